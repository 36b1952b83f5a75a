package dev.kubemigrate.cli;

import dev.kubemigrate.api.ExitCode;
import dev.kubemigrate.api.KubemigrateException;
import dev.kubemigrate.api.MigrationSpec;
import dev.kubemigrate.api.Webhooks;
import dev.kubemigrate.operator.KubemigrateOperator;
import dev.kubemigrate.operator.OperatorSettings;
import dev.kubemigrate.operator.OwnImage;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code kubemigrate operator}: reconciles Migration resources with the engine that {@code run}
 * uses, until SIGTERM.
 */
@Command(
    name = "operator",
    header =
        "Reconciles Migration resources (GitOps), each once per app, phase and version, until SIGTERM.",
    footerHeading = "%nExamples:%n",
    footer = {"  kubemigrate operator --watch-namespace shop,billing --leader-elect"},
    sortOptions = false,
    description =
        "Reconciles Migration resources (GitOps): each runs once per (app, phase, "
            + "version), with kstatus conditions in its status. Runs until SIGTERM.")
final class OperatorCommand implements Callable<Integer> {

  @Option(
      names = "--watch-namespace",
      paramLabel = "NS",
      split = ",",
      description = "Namespace(s) to watch, repeatable or comma-separated (default: -n's).")
  private List<String> watchNamespaces = new ArrayList<>();

  @Option(
      names = {"-A", "--all-namespaces"},
      description = "Watch Migrations in every namespace.")
  private boolean allNamespaces;

  @Option(
      names = "--max-concurrent-runs",
      paramLabel = "N",
      defaultValue = "10",
      description = "Migrations run at once (default: 10); more wait in a queue.")
  private int maxConcurrentRuns;

  @Option(
      names = "--metrics-port",
      paramLabel = "PORT",
      defaultValue = "8080",
      description = "Port of /metrics (Prometheus) and /healthz (default: 8080; -1: off).")
  private int metricsPort;

  @Option(
      names = "--leader-elect",
      description = "Take the Lease kubemigrate-operator first, so that only one replica works.")
  private boolean leaderElect;

  @Option(
      names = "--lease-namespace",
      paramLabel = "NS",
      description = "Namespace of the Lease (default: $POD_NAMESPACE, else -n's).")
  private String leaseNamespace;

  @Option(
      names = "--notify",
      paramLabel = "URL",
      description =
          "Post every Migration's result to URL when its run ends, beside its spec.notify:"
              + " Slack-compatible JSON; repeatable; also $KUBEMIGRATE_NOTIFY.")
  private List<String> notify = new ArrayList<>();

  @Mixin private ClusterOptions cluster;

  @Mixin private HelpOption help;

  @Override
  public Integer call() throws InterruptedException {
    if (allNamespaces && !watchNamespaces.isEmpty()) {
      throw KubemigrateException.usage(
          "use either --all-namespaces or --watch-namespace, not both");
    }
    if (maxConcurrentRuns < 1) {
      throw KubemigrateException.usage(
          "invalid --max-concurrent-runs %d: use 1 or more", maxConcurrentRuns);
    }
    if (metricsPort < -1 || metricsPort > 65535) {
      throw KubemigrateException.usage(
          "invalid --metrics-port %d: use 0-65535, or -1", metricsPort);
    }
    Set<String> namespaces = new LinkedHashSet<>();
    for (String ns : watchNamespaces) {
      namespaces.add(MigrationSpec.validateLabel(ns, "--watch-namespace"));
    }
    List<String> urls = Webhooks.urls(notify, System.getenv("KUBEMIGRATE_NOTIFY"), "--notify");
    try (ClusterOptions.Connected connected = cluster.connect(null)) {
      if (!allNamespaces && namespaces.isEmpty()) {
        namespaces.add(connected.namespace());
      }
      String lease = null;
      if (leaderElect) {
        lease =
            leaseNamespace != null ? leaseNamespace : envOr("POD_NAMESPACE", connected.namespace());
      }
      OwnImage own =
          OwnImage.resolve(
              connected.client(),
              System.getenv("KUBEMIGRATE_IMAGE"),
              System.getenv("POD_NAMESPACE"),
              System.getenv("POD_NAME"));
      OperatorSettings settings =
          new OperatorSettings(
              allNamespaces ? Set.of() : namespaces,
              maxConcurrentRuns,
              metricsPort,
              lease,
              envOr("POD_NAME", RunCommand.hostname()),
              urls,
              own.image());
      CompletableFuture<ExitCode> done = new CompletableFuture<>();
      try (KubemigrateOperator operator =
          new KubemigrateOperator(connected.client(), settings, Clock.systemUTC())) {
        Interrupts.onInterrupt(() -> done.complete(ExitCode.SUCCEEDED));
        operator.stopped().thenAccept(done::complete);
        operator.start();
        Logging.showLibraries();
        System.err.println(
            "kubemigrate operator "
                + settings.identity()
                + " started"
                + (operator.metricsPort() > 0
                    ? "; metrics on :" + operator.metricsPort() + "/metrics"
                    : "")
                + "; kubemigrate's image (wait-for-db, start gate): "
                + (own.image() != null
                    ? own.image() + " (from " + own.source() + ")"
                    : own.source()));
        ExitCode code = done.get();
        System.err.println("kubemigrate operator stopping");
        return code.code();
      } catch (ExecutionException e) {
        throw new IllegalStateException(e.getCause());
      }
    }
  }

  private static String envOr(String name, String fallback) {
    String value = System.getenv(name);
    return value == null || value.isBlank() ? fallback : value;
  }
}
