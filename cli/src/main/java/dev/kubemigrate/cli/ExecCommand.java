package dev.kubemigrate.cli;

import dev.kubemigrate.api.DatabaseAddress;
import dev.kubemigrate.api.Durations;
import dev.kubemigrate.api.ExecRequest;
import dev.kubemigrate.api.KubemigrateException;
import dev.kubemigrate.api.MigrationSpec;
import dev.kubemigrate.api.RunOutcome;
import dev.kubemigrate.api.Tool;
import dev.kubemigrate.api.Webhooks;
import dev.kubemigrate.engine.Kubemigrate;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code kubemigrate exec -- CMD…}: for an init container (or a bare pod) that runs the migration
 * itself. Runs CMD once per version across all replicas, under the app's lock, and records it.
 */
@Command(
    name = "exec",
    header =
        "Runs CMD in this pod once per app version across all replicas, and records the result.",
    footerHeading = "%nExamples:%n",
    footer = {
      "  # in the app's init container, whose image carries Flyway:",
      "  kubemigrate exec --app shop --version 1.4.0 -- /flyway/flyway migrate"
    },
    sortOptions = false,
    description =
        "Runs CMD once per app version across all replicas: takes the app's lock, skips if the "
            + "version is already migrated, else runs CMD, streams its output and records the result.")
final class ExecCommand implements Callable<Integer> {

  @Mixin private AppOptions appOptions;

  @Mixin private VersionOption versionOption;

  @Option(
      names = "--lock",
      paramLabel = "KEY",
      description = "Lock key (default: the app); e.g. a database shared by several apps.")
  private String lockKey;

  @Option(
      names = "--timeout",
      paramLabel = "DURATION",
      defaultValue = "30m",
      description = "How long to wait for the lock (default: 30m); exit 4.")
  private String timeout;

  @Option(
      names = "--db-timeout",
      paramLabel = "DURATION",
      defaultValue = "2m",
      description = {
        "Before CMD runs, wait this long for its database to accept connections (default: 2m;",
        "0s: do not wait). Nothing is recorded if it never does: exit 3, DatabaseUnreachable."
      })
  private String dbTimeout;

  @Option(
      names = "--db",
      paramLabel = "URL",
      description = {
        "The database to wait for (jdbc:postgresql://HOST:PORT/DB, postgres://…, mysql://…,",
        "tcp://HOST:PORT). Default: the command's -url/--url/-database, FLYWAY_URL,",
        "LIQUIBASE_COMMAND_URL, DATABASE_URL or PGHOST."
      })
  private String database;

  @Option(
      names = "--tool",
      paramLabel = "TOOL",
      description = {
        "The migration tool whose output is read for states that need a person: auto (default:",
        "from CMD), flyway, liquibase, golang-migrate, none."
      })
  private String tool;

  @Option(
      names = "--notify",
      paramLabel = "URL",
      description =
          "When the run this replica does ends, post its result to URL: Slack-compatible JSON"
              + " (text plus fields); repeatable; also $KUBEMIGRATE_NOTIFY. Never changes the"
              + " result or the exit code.")
  private List<String> notify = new java.util.ArrayList<>();

  @Mixin private ClusterOptions cluster;

  @Mixin private HelpOption help;

  @Parameters(paramLabel = "CMD", description = "The migration command and its arguments.")
  private List<String> command;

  @Override
  public Integer call() {
    String app = appOptions.app();
    String ver = versionOption.version();
    if (command == null || command.isEmpty()) {
      throw KubemigrateException.usage("no command given: kubemigrate exec ... -- CMD [ARG...]");
    }
    String key = lockKey == null ? app : MigrationSpec.validateLabel(lockKey, "--lock");
    var limit = Durations.parse(timeout, "--timeout");
    var dbLimit = Durations.parse(dbTimeout, "--db-timeout", true);
    Tool.parse(tool, "--tool");
    List<String> urls = Webhooks.urls(notify, System.getenv("KUBEMIGRATE_NOTIFY"), "--notify");
    if (database != null) {
      DatabaseAddress.find(database, command, Map.of()); // a bad --db: exit 2 before connecting
    }
    try (ClusterOptions.Connected connected = cluster.connect(null, limit)) {
      Clock clock = Clock.systemUTC();
      ConsoleReporter reporter =
          new ConsoleReporter(System.out, System.err, clock, false).startFlusher();
      String identity = identity();
      Kubemigrate.Call call =
          new Kubemigrate(connected.client(), clock)
              .exec(
                  new ExecRequest(
                      connected.namespace(),
                      app,
                      appOptions.phase(),
                      ver,
                      command,
                      identity,
                      key,
                      Kubemigrate.startedBy(
                          System.getenv(), System.getProperty("user.name"), identity),
                      limit,
                      database,
                      dbLimit,
                      System.getenv(),
                      tool,
                      urls),
                  reporter);
      // SIGTERM (the pod is deleted) stops the command too, records Interrupted, exits 130.
      Interrupts.onInterrupt(call::interrupt);
      RunOutcome outcome = call.get();
      reporter.summary(outcome);
      return outcome.exitCode().code();
    }
  }

  /** The pod's name (HOSTNAME in a pod), unique enough to tell replicas apart. */
  private static String identity() {
    String host = System.getenv("HOSTNAME");
    return host != null && !host.isBlank()
        ? host
        : "local-" + UUID.randomUUID().toString().substring(0, 8);
  }
}
