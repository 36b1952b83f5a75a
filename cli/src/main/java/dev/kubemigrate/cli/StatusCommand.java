package dev.kubemigrate.cli;

import dev.kubemigrate.api.MigrationSpec;
import dev.kubemigrate.api.Phase;
import dev.kubemigrate.api.RunRecord;
import dev.kubemigrate.api.RunState;
import dev.kubemigrate.engine.Kubemigrate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code kubemigrate status}: where the migration of a version (or the app's latest) stands. */
@Command(
    name = "status",
    header = "Shows the record of a version's migration, or the app's latest one per phase.",
    footerHeading = "%nExamples:%n",
    footer = {
      "  kubemigrate status -n shop --app shop",
      "  kubemigrate status -n shop --app shop --version 1.4.0 -o json"
    },
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
      Map<String, Object> schema = ver == null ? schema(records, ns, app) : null;
      if (format != null) {
        Map<String, Object> view = new LinkedHashMap<>(RecordView.map(r));
        if (schema != null) {
          view.put("schema", schema);
        }
        System.out.print(RecordView.serialize(view, format));
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
        if (schema != null) {
          System.out.println("schema of " + app + ":");
          System.out.printf(
              "  %-16s %s%n", "latest pre:", schema.getOrDefault("latestPre", "none"));
          System.out.printf(
              "  %-16s %s%n", "latest post:", schema.getOrDefault("latestPost", "none"));
          System.out.println(
              schema.get("compatibleFrom") == null
                  ? "  no floor: no contract recorded, every version may run"
                  : "  compatible from "
                      + schema.get("compatibleFrom")
                      + " (since "
                      + schema.get("floorSetBy")
                      + "); older versions are refused");
        }
      }
      return 0;
    }
  }

  /** Where the app's schema stands: its latest pre and post, and the rollback guard's floor. */
  private static Map<String, Object> schema(Kubemigrate records, String ns, String app) {
    Map<String, Object> schema = new LinkedHashMap<>();
    List<RunRecord> history = records.history(ns, app);
    for (Phase phase : Phase.values()) {
      history.stream()
          .filter(x -> x.phase() == phase && x.state() == RunState.SUCCEEDED)
          .findFirst()
          .ifPresent(
              x ->
                  schema.put(
                      "latest"
                          + (phase == Phase.PRE ? "Pre" : phase == Phase.POST ? "Post" : "Down"),
                      x.version()));
    }
    records
        .floor(ns, app)
        .ifPresent(
            f -> {
              schema.put("compatibleFrom", f.version());
              schema.put("floorSetBy", f.cause());
            });
    return schema;
  }

  private static RunRecord latest(List<RunRecord> newestFirst, AppOptions options) {
    return newestFirst.stream().filter(r -> r.phase() == options.phase()).findFirst().orElse(null);
  }
}
