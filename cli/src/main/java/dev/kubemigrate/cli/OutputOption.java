package dev.kubemigrate.cli;

import picocli.CommandLine.Option;

/** {@code -o json|yaml}, as the commands that print records take it. */
final class OutputOption {

  @Option(
      names = {"-o", "--output"},
      paramLabel = "json|yaml",
      description = "Print the result as JSON or YAML.")
  private String output;

  /** The format, checked (exit 2 for another one), or null for the human-readable form. */
  String format() {
    return RecordView.format(output);
  }
}
