package dev.kubemigrate.operator;

import java.util.List;
import java.util.Set;

/**
 * How {@code kubemigrate operator} runs.
 *
 * @param namespaces the namespaces whose Migrations it reconciles; empty: all namespaces
 * @param maxConcurrentRuns migrations run at once; more wait in a queue
 * @param metricsPort the port of {@code /metrics} and {@code /healthz}; 0 picks a free one, -1:
 *     none
 * @param leaseNamespace the namespace of the leader-election Lease; null: no leader election
 * @param identity this replica's name, in the Lease, the records and the Events
 * @param notifyUrls URLs every Migration's finished run posts its result to, beside its own {@code
 *     spec.notify}
 * @param ownImage kubemigrate's image ({@link OwnImage}): the default of {@code
 *     spec.waitForDatabase.image} and the start gate's; null: none
 */
public record OperatorSettings(
    Set<String> namespaces,
    int maxConcurrentRuns,
    int metricsPort,
    String leaseNamespace,
    String identity,
    List<String> notifyUrls,
    String ownImage) {

  public static final String LEASE_NAME = "kubemigrate-operator";

  public OperatorSettings {
    namespaces = Set.copyOf(namespaces);
    notifyUrls = notifyUrls == null ? List.of() : List.copyOf(notifyUrls);
    if (maxConcurrentRuns < 1) {
      throw new IllegalArgumentException("maxConcurrentRuns must be 1 or more");
    }
  }

  /**
   * Whether the operator's informers may keep their objects in the engine's lean store ({@link
   * dev.kubemigrate.engine.Kubemigrate#leanStore()}): only when JOSDK makes one informer per kind,
   * for all namespaces or for a single one. With several namespaces it makes one informer per
   * namespace and gives each the same store instance; each informer's list would then drop the
   * other namespaces' objects from that shared store.
   */
  public boolean oneInformerPerKind() {
    return oneInformerPerKind(namespaces);
  }

  /** The same rule for a list of watched namespaces (empty: all of them). */
  public static boolean oneInformerPerKind(java.util.Collection<String> namespaces) {
    return namespaces != null && namespaces.size() <= 1;
  }

  public boolean allNamespaces() {
    return namespaces.isEmpty();
  }
}
