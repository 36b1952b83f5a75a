package dev.kubemigrate.cli;

import picocli.CommandLine.Option;

/**
 * {@code -h/--help} for a subcommand. Not picocli's standard help mixin: that one brings a {@code
 * --version} too, which the subcommands use for the app's version.
 */
final class HelpOption {

  @Option(
      names = {"-h", "--help"},
      usageHelp = true,
      description = "Show this help message and exit.")
  private boolean help;
}
