package dev.kubemigrate.cli;

import dev.kubemigrate.api.MigrationSpec;
import dev.kubemigrate.api.RunRecord;
import dev.kubemigrate.engine.Kubemigrate;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code kubemigrate status}: where the migration of a version (or the app's latest) stands. */
@Command(
    name = "status",
    sortOptions = false,
    description = "Shows the record of a version's migration, or the app's latest one per phase.")
final class StatusCommand implements Callable<Integer> {

  @Mixin private AppOptions appOptions;

  @Option(names = "--version", paramLabel = "VER", description = "The version (default: latest).")
  private String version;

  @Mixin private OutputOption outputOption;

  @Mixin private ClusterOptions cluster;

  @Mixin private HelpOption help;

  @Override
  public Integer call() {
    String app = appOptions.app();
    String ver = version == null ? null : MigrationSpec.validateVersion(version);
    String format = outputOption.format();
    try (ClusterOptions.Connected connected = cluster.connect(null)) {
      Kubemigrate records = new Kubemigrate(connected.client(), java.time.Clock.systemUTC());
      String ns = connected.namespace();
      RunRecord r =
          ver != null
              ? records.requireRecord(ns, app, appOptions.phase(), ver)
              : latest(records.history(ns, app), appOptions);
      if (r == null) {
        throw records.notRecorded(ns, app, appOptions.phase());
      }
      if (format != null) {
        System.out.print(RecordView.serialize(RecordView.map(r), format));
        System.out.println();
      } else {
        RecordView.map(r)
            .forEach(
                (k, v) -> {
                  if (v != null && !k.equals("logTail")) {
                    System.out.printf("%-18s %s%n", k + ":", v);
                  }
                });
        if (r.logTail() != null && !r.logTail().isBlank()) {
          System.out.println("log tail:");
          r.logTail().lines().forEach(l -> System.out.println("  | " + l));
        }
      }
      return 0;
    }
  }

  private static RunRecord latest(List<RunRecord> newestFirst, AppOptions options) {
    return newestFirst.stream().filter(r -> r.phase() == options.phase()).findFirst().orElse(null);
  }
}
