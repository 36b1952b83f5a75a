package dev.kubemigrate.cli;

import dev.kubemigrate.api.RunRecord;
import dev.kubemigrate.engine.Kubemigrate;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code kubemigrate history}: every recorded migration of an app, newest first. */
@Command(
    name = "history",
    header = "Lists the app's recorded migrations, newest first.",
    footerHeading = "%nExamples:%n",
    footer = {
      "  kubemigrate history -n shop --app shop",
      "  kubemigrate history -n shop --app shop -o json"
    },
    sortOptions = false,
    description =
        "Lists the app's recorded migrations, newest first (the last "
            + Kubemigrate.HISTORY_LIMIT
            + " are kept).")
final class HistoryCommand implements Callable<Integer> {

  @Option(names = "--app", required = true, paramLabel = "APP", description = "The app.")
  private String app;

  @Mixin private OutputOption outputOption;

  @Mixin private ClusterOptions cluster;

  @Mixin private HelpOption help;

  @Override
  public Integer call() {
    String validApp = dev.kubemigrate.api.MigrationSpec.validateApp(app);
    String format = outputOption.format();
    try (ClusterOptions.Connected connected = cluster.connect(null)) {
      Kubemigrate km = new Kubemigrate(connected.client(), java.time.Clock.systemUTC());
      List<RunRecord> records = km.history(connected.namespace(), validApp);
      if (records.isEmpty()) {
        // An empty history is an answer; a namespace that does not exist is a mistake (exit 7).
        km.requireNamespace(connected.namespace());
      }
      if (format != null) {
        System.out.print(
            RecordView.serialize(records.stream().map(RecordView::map).toList(), format));
        System.out.println();
      } else {
        System.out.print(RecordView.table(records));
      }
      return 0;
    }
  }
}
