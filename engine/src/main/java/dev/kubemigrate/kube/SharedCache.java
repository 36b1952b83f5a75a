package dev.kubemigrate.kube;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * One kind of object as an informer keeps it, shared by every run of a process that drives many
 * (the operator): a read costs no request. Started on first use, cluster-wide or in each watched
 * namespace. When it cannot be watched (the identity may list but not watch, say) it is not {@link
 * #available}, and the caller reads from the API server as it would without it; a start is tried
 * again after {@link #RETRY}.
 *
 * <p>What it holds may lag the server by a watch event: read from it only what a compare-and-set
 * write or an authoritative check (admission, the scheduler) stands behind.
 */
public final class SharedCache<T extends HasMetadata> implements AutoCloseable {

  static final Duration RETRY = Duration.ofMinutes(5);

  private final Supplier<List<SharedIndexInformer<T>>> start;
  private List<SharedIndexInformer<T>> informers;
  private long failedAt;
  private boolean closed;

  private SharedCache(Supplier<List<SharedIndexInformer<T>>> start) {
    this.start = start;
  }

  /**
   * A cache of a namespaced kind: one informer across all namespaces ({@code namespaces} empty) or
   * one per namespace; {@code informer} makes the informer of a namespace (null: any namespace).
   */
  public static <T extends HasMetadata> SharedCache<T> namespaced(
      List<String> namespaces, Function<String, SharedIndexInformer<T>> informer) {
    return new SharedCache<>(
        () -> {
          List<SharedIndexInformer<T>> all = new ArrayList<>();
          if (namespaces.isEmpty()) {
            all.add(informer.apply(null));
          } else {
            namespaces.forEach(ns -> all.add(informer.apply(ns)));
          }
          return all;
        });
  }

  /** A cache of a cluster-scoped kind. */
  public static <T extends HasMetadata> SharedCache<T> clusterScoped(
      Supplier<SharedIndexInformer<T>> informer) {
    return new SharedCache<>(() -> List.of(informer.get()));
  }

  /** A cache that never holds anything: every read goes to the API server (one command's runs). */
  public static <T extends HasMetadata> SharedCache<T> none() {
    SharedCache<T> none = new SharedCache<>(List::of);
    none.closed = true;
    return none;
  }

  /** False when reads must go to the API server: not started, not watching, or closed. */
  public boolean available() {
    List<SharedIndexInformer<T>> now = started();
    return now != null && now.stream().allMatch(SharedIndexInformer::isWatching);
  }

  /** The objects of {@code namespace} (null: all, or a cluster-scoped kind); needs available. */
  public List<T> list(String namespace) {
    List<T> items = new ArrayList<>();
    for (SharedIndexInformer<T> i : started()) {
      if (namespace == null) {
        items.addAll(i.getStore().list());
      } else {
        items.addAll(i.getIndexer().byIndex(Cache.NAMESPACE_INDEX, namespace));
      }
    }
    return items;
  }

  /**
   * The object {@code namespace/name} (namespace null: cluster-scoped), or null; needs available.
   */
  public T get(String namespace, String name) {
    String key = namespace == null ? name : namespace + "/" + name;
    for (SharedIndexInformer<T> i : started()) {
      T item = i.getStore().getByKey(key);
      if (item != null) {
        return item;
      }
    }
    return null;
  }

  private synchronized List<SharedIndexInformer<T>> started() {
    if (informers != null || closed) {
      return informers;
    }
    if (failedAt != 0 && System.nanoTime() - failedAt < RETRY.toNanos()) {
      return null;
    }
    List<SharedIndexInformer<T>> made = new ArrayList<>();
    try {
      made.addAll(start.get());
      for (SharedIndexInformer<T> i : made) {
        // A watch the server refuses is not retried: the reads fall back to the API server.
        i.exceptionHandler((isStarted, failure) -> false);
        i.start().toCompletableFuture().join();
      }
      informers = made;
    } catch (RuntimeException e) {
      made.forEach(SharedIndexInformer::close);
      failedAt = System.nanoTime() | 1;
    }
    return informers;
  }

  @Override
  public synchronized void close() {
    closed = true;
    if (informers != null) {
      informers.forEach(SharedIndexInformer::close);
    }
  }
}
