package dev.kubemigrate.cli;

import dev.kubemigrate.api.Durations;
import dev.kubemigrate.api.Phase;
import dev.kubemigrate.api.RunOutcome;
import dev.kubemigrate.engine.Kubemigrate;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code kubemigrate await}: the app's init container. Blocks the pod until the migration of its
 * version has succeeded; fails at once, with the reason and the log tail, if it failed.
 */
@Command(
    name = "await",
    header = "Waits until this app version is migrated, and exits at once if its migration failed.",
    footerHeading = "%nExamples:%n",
    footer = {
      "  # in the app's init container:",
      "  kubemigrate await --app shop --version 1.4.0 --timeout 10m"
    },
    sortOptions = false,
    description =
        "Waits until the migration of this app version has succeeded (exit 0); exits at once, "
            + "saying why, if it failed. For an init container: the app's pods start only once migrated.")
final class AwaitCommand implements Callable<Integer> {

  @Mixin private AppOptions appOptions;

  @Mixin private VersionOption versionOption;

  @Option(
      names = "--timeout",
      paramLabel = "DURATION",
      defaultValue = "30m",
      description = "Give up after this long (default: 30m); exit 4.")
  private String timeout;

  @Mixin private OutputOption outputOption;

  @Mixin private ClusterOptions cluster;

  @Mixin private HelpOption help;

  @Override
  public Integer call() {
    String app = appOptions.app();
    Phase phase = appOptions.phase();
    String ver = versionOption.version();
    Duration limit = Durations.parse(timeout, "--timeout");
    String format = outputOption.format();
    try (ClusterOptions.Connected connected = cluster.connect(null, limit)) {
      Clock clock = Clock.systemUTC();
      ConsoleReporter reporter = new ConsoleReporter(System.out, System.err, clock, true);
      Kubemigrate.Call call =
          new Kubemigrate(connected.client(), clock)
              .await(connected.namespace(), app, phase, ver, limit, reporter);
      Interrupts.onInterrupt(call::interrupt);
      RunOutcome outcome = call.get();
      reporter.summary(outcome);
      if (format != null) {
        System.out.println(OutcomeJson.of(outcome, connected.namespace()));
      }
      return outcome.exitCode().code();
    }
  }
}
