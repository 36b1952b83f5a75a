package dev.kubemigrate.operator;

import dev.kubemigrate.api.ExitCode;
import dev.kubemigrate.api.KubemigrateException;
import dev.kubemigrate.engine.Kubemigrate;
import dev.kubemigrate.migration.Migration;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.javaoperatorsdk.operator.MissingCRDException;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.OperatorException;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfigurationBuilder;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code kubemigrate operator}: the Java Operator SDK controller for Migrations, with optional
 * leader election and a metrics endpoint. {@link #start()} returns once it runs; {@link #stopped()}
 * completes when it stopped by itself (lost its lease).
 */
public final class KubemigrateOperator implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(KubemigrateOperator.class);

  private final KubernetesClient client;
  private final OperatorSettings settings;
  private final OperatorMetrics metrics = new OperatorMetrics();
  private final MigrationReconciler reconciler;
  private final CompletableFuture<ExitCode> stopped = new CompletableFuture<>();
  private final AtomicBoolean closing = new AtomicBoolean();
  private Operator operator;

  static final int RECONCILE_THREADS = 10;

  public KubemigrateOperator(KubernetesClient client, OperatorSettings settings, Clock clock) {
    this.client = client;
    this.settings = settings;
    this.reconciler =
        new MigrationReconciler(
            client,
            clock,
            settings.identity(),
            settings.maxConcurrentRuns(),
            metrics,
            settings.allNamespaces() ? List.of() : List.copyOf(settings.namespaces()));
    this.reconciler.notifyAlso(settings.notifyUrls());
    this.reconciler.ownImage(settings.ownImage());
  }

  /**
   * Starts reconciling (once it leads, with leader election).
   *
   * @throws KubemigrateException exit 5 when the CRD is missing or the API refuses
   */
  public void start() {
    boolean election = settings.leaseNamespace() != null;
    operator =
        new Operator(
            o -> {
              o.withKubernetesClient(client)
                  .withCloseClientOnStop(false)
                  // A JSON patch of the status works on every server; SSA of a CRD's status
                  // needs one that is newer than the oldest we support.
                  .withUseSSAToPatchPrimaryResource(false)
                  .withReconciliationTerminationTimeout(Duration.ofSeconds(5))
                  // A reconcile decides and writes a status; the runs are in their own pool. Ten
                  // threads keep up with 1,000 Migrations (JOSDK's 50 idle ones cost RSS).
                  .withConcurrentReconciliationThreads(RECONCILE_THREADS);
              if (election) {
                o.withLeaderElectionConfiguration(
                    LeaderElectionConfigurationBuilder.aLeaderElectionConfiguration(
                            OperatorSettings.LEASE_NAME)
                        .withLeaseNamespace(settings.leaseNamespace())
                        .withIdentity(settings.identity())
                        // Renew every 4 s, not every 2 s: half the Lease requests; a leader that
                        // dies is still replaced within the lease's 15 s. (fabric8 wants the
                        // renew deadline above 2.2 retry periods.)
                        .withLeaseDuration(Duration.ofSeconds(15))
                        .withRenewDeadline(Duration.ofSeconds(10))
                        .withRetryPeriod(Duration.ofSeconds(4))
                        .withExitOnStopLeading(false)
                        .withLeaderCallbacks(
                            new LeaderCallbacks(
                                () -> LOG.info("{} leads: reconciling", settings.identity()),
                                this::lostLease,
                                leader -> LOG.info("the leader is {}", leader)))
                        .build());
              }
            });
    operator.register(
        reconciler,
        c -> {
          if (settings.oneInformerPerKind()) {
            c.withItemStore(Kubemigrate.leanStore());
          }
          if (settings.allNamespaces()) {
            c.watchingAllNamespaces();
          } else {
            c.settingNamespaces(settings.namespaces());
          }
        });
    if (settings.metricsPort() >= 0) {
      metrics.serve(
          settings.metricsPort(), () -> operator != null && operator.getRuntimeInfo().isStarted());
    }
    try {
      operator.start();
    } catch (OperatorException e) {
      close();
      throw translate(e);
    }
    LOG.info(
        "reconciling Migrations in {} with at most {} runs at once{}",
        settings.allNamespaces() ? "all namespaces" : settings.namespaces(),
        settings.maxConcurrentRuns(),
        election
            ? ", once this replica leads (Lease "
                + settings.leaseNamespace()
                + "/"
                + OperatorSettings.LEASE_NAME
                + ")"
            : "");
  }

  private void lostLease() {
    if (closing.get()) {
      return;
    }
    LOG.error(
        "{} lost its lease: stopping, so that no other replica runs alongside",
        settings.identity());
    stopped.complete(ExitCode.KUBERNETES_API);
  }

  private KubemigrateException translate(OperatorException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof MissingCRDException) {
        return new KubemigrateException(
            ExitCode.KUBERNETES_API,
            "the Migration CRD ("
                + Migration.CRD_NAME
                + ") is not installed: apply deploy/operator/crd.yaml",
            e);
      }
    }
    Optional<KubemigrateException> api = Kubemigrate.apiError(client, e);
    if (api.isPresent()) {
      return new KubemigrateException(
          api.get().reason(), "the operator cannot start: " + api.get().getMessage(), e);
    }
    Throwable root = e;
    while (root.getCause() != null) {
      root = root.getCause();
    }
    return new KubemigrateException(
        ExitCode.KUBERNETES_API, "the operator cannot start: " + root.getMessage(), e);
  }

  /** Completes with an exit code if the operator stopped by itself. */
  public CompletableFuture<ExitCode> stopped() {
    return stopped;
  }

  /** The port that serves {@code /metrics}, or -1. */
  public int metricsPort() {
    return metrics.port();
  }

  /**
   * Stops: runs in flight are left to their Jobs (the next leader attaches to them), nothing is
   * deleted.
   */
  @Override
  public void close() {
    if (!closing.compareAndSet(false, true)) {
      return;
    }
    reconciler.stop();
    if (operator != null) {
      try {
        operator.stop();
      } catch (RuntimeException e) {
        LOG.warn("stopping: {}", e.getMessage());
      }
    }
    metrics.close();
  }
}
