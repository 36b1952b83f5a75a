package dev.kubemigrate.cli;

import dev.kubemigrate.api.RunOutcome;
import dev.kubemigrate.api.RunRecord;
import dev.kubemigrate.engine.Kubemigrate;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code kubemigrate logs}: the stored log tail of a version's migration, after the Job is gone.
 */
@Command(
    name = "logs",
    header = "Prints the last lines of a migration's log, or follows a running one with -f.",
    footerHeading = "%nExamples:%n",
    footer = {
      "  kubemigrate logs -n shop --app shop --version 1.4.0",
      "  kubemigrate logs -n shop --app shop --version 1.4.0 -f"
    },
    sortOptions = false,
    description =
        "Prints the last lines of a migration's log, as its record keeps them; "
            + "with -f, follows a running migration's log live until it ends.")
final class LogsCommand implements Callable<Integer> {

  @Mixin private AppOptions appOptions;

  @Mixin private VersionOption versionOption;

  @Option(
      names = {"-f", "--follow"},
      description = "Follow a running migration: stream its log live until it ends.")
  private boolean follow;

  @Mixin private OutputOption outputOption;

  @Mixin private ClusterOptions cluster;

  @Mixin private HelpOption help;

  @Override
  public Integer call() {
    String app = appOptions.app();
    String ver = versionOption.version();
    String format = outputOption.format();
    try (ClusterOptions.Connected connected = cluster.connect(null)) {
      if (follow) {
        java.time.Clock clock = java.time.Clock.systemUTC();
        ConsoleReporter reporter =
            new ConsoleReporter(System.out, System.err, clock, false).startFlusher();
        Kubemigrate.Call call =
            new Kubemigrate(connected.client(), clock)
                .follow(connected.namespace(), app, appOptions.phase(), ver, reporter);
        Interrupts.onInterrupt(call::interrupt);
        RunOutcome outcome = call.get();
        if (outcome.how() == RunOutcome.How.AWAITED && outcome.record().logTail() != null) {
          System.out.println(outcome.record().logTail()); // it had ended: its stored tail
        }
        reporter.summary(outcome);
        return outcome.exitCode().code();
      }
      RunRecord r =
          new Kubemigrate(connected.client(), java.time.Clock.systemUTC())
              .requireRecord(connected.namespace(), app, appOptions.phase(), ver);
      if (format != null) {
        java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("app", r.app());
        m.put("phase", r.phase().label());
        m.put("version", r.version());
        m.put("state", r.state().display());
        m.put("logTail", r.logTail());
        System.out.print(RecordView.serialize(m, format));
        System.out.println();
        return 0;
      }
      if (r.logTail() == null || r.logTail().isBlank()) {
        System.err.println(
            "(no log stored" + (r.state().isActive() ? ": the migration is still running)" : ")"));
      } else {
        System.out.println(r.logTail());
      }
      return 0;
    }
  }
}
