package dev.kubemigrate.kube;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResourceList;
import io.fabric8.kubernetes.api.model.LimitRange;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.FilterWatchListDeletable;
import io.fabric8.kubernetes.client.dsl.MixedOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import java.util.List;

/**
 * What the runs of one operator read again and again, kept by shared informers so that each run
 * reads it at no request: the namespaces' ResourceQuotas and LimitRanges and the nodes (the
 * pre-flight), the apps' Leases (the lock, which writes them with compare-and-set) and schema
 * floors (the rollback guard). A command's single run uses {@link #NONE}: it reads the API server.
 */
public record SharedReads(
    SharedCache<ResourceQuota> quotas,
    SharedCache<LimitRange> limitRanges,
    SharedCache<Node> nodes,
    SharedCache<Lease> leases,
    SharedCache<ConfigMap> floors)
    implements AutoCloseable {

  /** Label of kubemigrate's Leases and floors: only they are kept. */
  private static final String MANAGED_BY = "app.kubernetes.io/managed-by";

  /** Label that only the floor ConfigMaps carry. */
  public static final String FLOOR_LABEL = "kubemigrate.dev/floor";

  public static final SharedReads NONE =
      new SharedReads(
          SharedCache.none(),
          SharedCache.none(),
          SharedCache.none(),
          SharedCache.none(),
          SharedCache.none());

  /** Informers in {@code namespaces} (empty: across all), each started when first read. */
  public static SharedReads informed(KubernetesClient client, List<String> namespaces) {
    return new SharedReads(
        namespaced(namespaces, client.resourceQuotas(), null),
        namespaced(namespaces, client.limitRanges(), null),
        SharedCache.clusterScoped(() -> LeanStore.of(client.nodes().runnableInformer(0))),
        namespaced(namespaces, client.leases(), MANAGED_BY + "=kubemigrate"),
        namespaced(namespaces, client.configMaps(), FLOOR_LABEL + "=true"));
  }

  /**
   * The objects of {@code kind} in {@code namespaces}, those matching {@code selector} (or all).
   */
  private static <T extends HasMetadata, L extends KubernetesResourceList<T>, R extends Resource<T>>
      SharedCache<T> namespaced(
          List<String> namespaces, MixedOperation<T, L, R> kind, String selector) {
    return SharedCache.namespaced(
        namespaces,
        ns -> {
          FilterWatchListDeletable<T, L, R> scoped =
              ns == null ? kind.inAnyNamespace() : kind.inNamespace(ns);
          return LeanStore.of(
              (selector == null ? scoped : scoped.withLabelSelector(selector)).runnableInformer(0));
        });
  }

  /** True for informers that many runs share (the operator), false for {@link #NONE}. */
  public boolean shared() {
    return this != NONE;
  }

  @Override
  public void close() {
    quotas.close();
    limitRanges.close();
    nodes.close();
    leases.close();
    floors.close();
  }
}
