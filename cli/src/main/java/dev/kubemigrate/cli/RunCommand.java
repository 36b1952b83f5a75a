package dev.kubemigrate.cli;

import dev.kubemigrate.api.KubemigrateException;
import dev.kubemigrate.api.MigrationSpec;
import dev.kubemigrate.api.PreflightMode;
import dev.kubemigrate.api.RunOutcome;
import dev.kubemigrate.api.RunRequest;
import dev.kubemigrate.engine.Kubemigrate;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code kubemigrate run}: the CD pipeline's step. Runs the migration once per (app, phase,
 * version), streams its log, and exits with a code that says what happened.
 */
@Command(
    name = "run",
    header =
        "Runs the migration as a Kubernetes Job, once per app, phase and version, and streams its log.",
    footerHeading = "%nExamples:%n",
    footer = {
      "  kubemigrate run -n shop --app shop --version 1.4.0 \\",
      "      --image registry.example/shop-migrations:1.4.0 --env-from secret/shop-db --timeout 10m",
      "  kubemigrate run -n shop -f migration.yaml -o json"
    },
    sortOptions = false,
    description =
        "Runs the migration as a Kubernetes Job, once per app, phase and version; streams its log "
            + "and exits with a code that says what happened (see the README's exit-code table).")
final class RunCommand implements Callable<Integer> {

  @Mixin private MigrationOptions migration;

  @Mixin private ClusterOptions cluster;

  @Option(
      names = "--retry",
      description = "When this version's last attempt failed, start a new attempt.")
  private boolean retry;

  @Option(
      names = "--lock",
      paramLabel = "KEY",
      description =
          "Lock key (default: the app): migrations with the same key never run at once, e.g. a"
              + " database shared by several apps.")
  private String lockKey;

  @Option(
      names = "--on-interrupt",
      paramLabel = "leave|delete",
      defaultValue = "leave",
      description =
          "On Ctrl-C or SIGTERM: leave the Job running (default; run again to attach) or delete it.")
  private String onInterrupt;

  @Option(
      names = "--preflight",
      paramLabel = "auto|strict|off",
      description =
          "Before anything is created, check that the pod's Secrets, ConfigMaps, keys, service"
              + " account, pull secrets and priority class exist, that its ResourceQuotas have"
              + " room and a node can take it (auto, the default, or spec.preflight: skip what this"
              + " identity may not read; strict: that is a failure too; off).")
  private String preflight;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "json",
      description = "Print one JSON result object on stdout (the migration's log goes to stderr).")
  private String output;

  @Option(
      names = "--dotenv",
      paramLabel = "FILE",
      description =
          "Also write the result to FILE as KEY=VALUE lines (KUBEMIGRATE_STATE, _EXIT_CODE,"
              + " _REASON, _JOB, _DURATION_SECONDS, _SCHEMA_BEFORE, _SCHEMA_AFTER, ...): a GitLab"
              + " dotenv report, or a file to source.")
  private java.nio.file.Path dotenv;

  @Mixin private HelpOption help;

  @Override
  public Integer call() {
    // Every input is checked before the cluster is touched: bad input creates nothing.
    MigrationSpec spec = migration.toSpec();
    String ownImage = migration.kubemigrateImage();
    boolean deleteOnInterrupt = parseOnInterrupt(onInterrupt);
    boolean json = parseOutput(output);
    if (dotenv != null
        && dotenv.toAbsolutePath().getParent() != null
        && !java.nio.file.Files.isDirectory(dotenv.toAbsolutePath().getParent())) {
      throw KubemigrateException.usage(
          "invalid --dotenv %s: its directory does not exist; give a file in an existing"
              + " directory",
          dotenv);
    }
    if (dotenv != null && java.nio.file.Files.isDirectory(dotenv)) {
      throw KubemigrateException.usage(
          "invalid --dotenv %s: it is a directory; give a file in an existing directory", dotenv);
    }
    String lock = lockKey == null ? null : MigrationSpec.validateLabel(lockKey, "--lock");
    PreflightMode preflightMode =
        preflight == null
            ? migration.preflightFromFile()
            : PreflightMode.parse(preflight, "--preflight");
    try (ClusterOptions.Connected connected =
        cluster.connect(migration.namespaceFromFile(), spec.timeout())) {
      KubernetesClient client = connected.client();
      String namespace = connected.namespace();
      Clock clock = Clock.systemUTC();
      // The migration's log can be large: buffer stdout, flushed whenever the log pauses.
      PrintStream stdout =
          new PrintStream(
              new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 16),
              false,
              StandardCharsets.UTF_8);
      ConsoleReporter reporter =
          new ConsoleReporter(stdout, System.err, clock, json).startFlusher();
      Kubemigrate km = new Kubemigrate(client, clock);
      reporter.progress(
          "kubemigrate "
              + Kubemigrate.version()
              + ": "
              + spec.app()
              + " "
              + spec.version()
              + " ("
              + spec.phase().label()
              + ") in namespace "
              + namespace
              + " at "
              + client.getMasterUrl());
      warnOfClearTextSecrets(spec, namespace, reporter);
      Kubemigrate.Call call =
          km.run(
              RunRequest.of(spec, namespace)
                  .retry(retry)
                  .attempt(migration.attempt())
                  .startedBy(
                      Kubemigrate.startedBy(
                          System.getenv(), System.getProperty("user.name"), hostname()))
                  .deleteOnInterrupt(deleteOnInterrupt)
                  .lockKey(lock)
                  .preflight(preflightMode)
                  .kubemigrateImage(ownImage)
                  .build(),
              reporter);
      Interrupts.onInterrupt(call::interrupt);
      RunOutcome outcome = call.get();
      reporter.summary(outcome);
      if (json) {
        stdout.println(OutcomeJson.of(outcome, namespace));
      }
      if (dotenv != null) {
        DotenvReport.write(dotenv, outcome, reporter);
      }
      stdout.flush();
      StepSummary.write(System.getenv("GITHUB_STEP_SUMMARY"), outcome, namespace, reporter);
      return outcome.exitCode().code();
    }
  }

  /**
   * A literal env value that looks secret is stored in clear text in the Job's and the pod's spec,
   * where anyone who may read Jobs or pods sees it: say so, and what to use instead.
   */
  private static void warnOfClearTextSecrets(
      MigrationSpec spec, String namespace, ConsoleReporter reporter) {
    Set<String> names = Kubemigrate.secretEnvNames(Kubemigrate.renderJob(spec, namespace));
    if (!names.isEmpty()) {
      reporter.progress(
          "warning: env "
              + String.join(", ", names)
              + (names.size() == 1 ? " carries" : " carry")
              + " a secret in clear text in the Job's spec (anyone who may read Jobs or pods sees"
              + " it): put it in a Secret and use --env-from secret/NAME, or valueFrom in the"
              + " spec");
    }
  }

  private static boolean parseOnInterrupt(String value) {
    return switch (value) {
      case "leave" -> false;
      case "delete" -> true;
      default ->
          throw KubemigrateException.usage(
              "invalid --on-interrupt '%s': use leave or delete", value);
    };
  }

  private static boolean parseOutput(String value) {
    if (value == null) {
      return false;
    }
    if (value.equals("json")) {
      return true;
    }
    throw KubemigrateException.usage("invalid --output '%s': use json", value);
  }

  static String hostname() {
    String env = System.getenv("HOSTNAME");
    if (env != null && !env.isBlank()) {
      return env;
    }
    try {
      return Files.readString(Path.of("/etc/hostname")).trim();
    } catch (IOException e) {
      return "localhost";
    }
  }
}
