package dev.kubemigrate.cli;

import dev.kubemigrate.api.MigrationSpec;
import dev.kubemigrate.api.Phase;
import picocli.CommandLine.Option;

/** {@code --app} and {@code --phase}, as the commands that read records take them. */
final class AppOptions {

  @Option(names = "--app", required = true, paramLabel = "APP", description = "The app.")
  private String app;

  @Option(
      names = "--phase",
      paramLabel = "pre|post",
      defaultValue = "pre",
      description = "The phase (default: pre).")
  private String phase;

  String app() {
    return MigrationSpec.validateApp(app);
  }

  Phase phase() {
    return Phase.parse(phase);
  }
}
