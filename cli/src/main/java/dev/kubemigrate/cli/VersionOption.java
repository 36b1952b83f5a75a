package dev.kubemigrate.cli;

import dev.kubemigrate.api.MigrationSpec;
import picocli.CommandLine.Option;

/** A required {@code --version}, as the commands that act on one recorded run take it. */
final class VersionOption {

  @Option(names = "--version", required = true, paramLabel = "VER", description = "The version.")
  private String version;

  /** The version, checked: an empty or malformed one is refused (exit 2). */
  String version() {
    return MigrationSpec.validateVersion(version);
  }
}
