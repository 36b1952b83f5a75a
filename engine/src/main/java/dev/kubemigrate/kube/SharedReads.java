package dev.kubemigrate.kube;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.LimitRange;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
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
        SharedCache.namespaced(
            namespaces,
            ns ->
                (ns == null
                        ? client.resourceQuotas().inAnyNamespace()
                        : client.resourceQuotas().inNamespace(ns))
                    .runnableInformer(0)),
        SharedCache.namespaced(
            namespaces,
            ns ->
                (ns == null
                        ? client.limitRanges().inAnyNamespace()
                        : client.limitRanges().inNamespace(ns))
                    .runnableInformer(0)),
        SharedCache.clusterScoped(() -> client.nodes().runnableInformer(0)),
        SharedCache.namespaced(
            namespaces,
            ns ->
                (ns == null ? client.leases().inAnyNamespace() : client.leases().inNamespace(ns))
                    .withLabel(MANAGED_BY, "kubemigrate")
                    .runnableInformer(0)),
        SharedCache.namespaced(
            namespaces,
            ns ->
                (ns == null
                        ? client.configMaps().inAnyNamespace()
                        : client.configMaps().inNamespace(ns))
                    .withLabel(FLOOR_LABEL, "true")
                    .runnableInformer(0)));
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
