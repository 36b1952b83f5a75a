package dev.kubemigrate.cli;

import dev.kubemigrate.job.MigrationSpec;
import dev.kubemigrate.outcome.ExitCode;
import dev.kubemigrate.outcome.KubemigrateException;
import dev.kubemigrate.record.RecordStore;
import dev.kubemigrate.record.RunRecord;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code kubemigrate logs}: the stored log tail of a version's migration, after the Job is gone.
 */
@Command(
    name = "logs",
    sortOptions = false,
    description = "Prints the last lines of a migration's log, as its record keeps them.")
final class LogsCommand implements Callable<Integer> {

  @Mixin private AppOptions appOptions;

  @Option(names = "--version", required = true, paramLabel = "VER", description = "The version.")
  private String version;

  @Mixin private ClusterOptions cluster;

  @Mixin private HelpOption help;

  @Override
  public Integer call() {
    String app = appOptions.app();
    String ver = MigrationSpec.validateVersion(version);
    try (ClusterOptions.Connected connected = cluster.connect(null)) {
      RunRecord r =
          new RecordStore(connected.client(), connected.namespace())
              .get(app, appOptions.phase(), ver)
              .map(s -> s.record())
              .orElseThrow(
                  () ->
                      new KubemigrateException(
                          ExitCode.FAILED,
                          "no migration of "
                              + app
                              + " "
                              + ver
                              + " recorded in namespace "
                              + connected.namespace()));
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
