package dev.kubemigrate.kube;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.BasicItemStore;
import io.fabric8.kubernetes.client.informers.cache.Cache;

/**
 * An informer's store that keeps each object without its {@code metadata.managedFields}: the
 * server's bookkeeping of which manager set which field, read by nothing kubemigrate does, and as
 * Java objects (a tree of maps per manager) often larger than the rest of the object. An operator
 * keeps every Migration, record, Job and pod of its namespaces in memory; client-go offers a
 * transform that drops the same field for the same reason ({@code TransformStripManagedFields}).
 * One store per informer: informers that share a store empty it of each other's objects.
 *
 * <p>The object is changed in place as it enters the store: the informer's handlers see it without
 * the field too. An update made from a cached object leaves the server's managedFields as they are
 * (an omitted field is kept), so nothing is lost on the server.
 */
public final class LeanStore<T extends HasMetadata> extends BasicItemStore<T> {

  public LeanStore() {
    super(Cache::metaNamespaceKeyFunc);
  }

  /** {@code informer}, not yet started, keeping its objects in a {@link LeanStore}. */
  public static <T extends HasMetadata> SharedIndexInformer<T> of(SharedIndexInformer<T> informer) {
    return informer.itemStore(new LeanStore<>());
  }

  @Override
  public T put(String key, T obj) {
    return super.put(key, lean(obj));
  }

  /** {@code obj} without its managedFields (the same object). */
  public static <T extends HasMetadata> T lean(T obj) {
    if (obj != null && obj.getMetadata() != null) {
      obj.getMetadata().setManagedFields(null);
    }
    return obj;
  }
}
