package dev.kubemigrate.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.function.Consumer;
import picocli.CommandLine;
import picocli.CommandLine.Help.Ansi;

/** Runs the command line as {@link Main} does, capturing stdout, stderr and the exit code. */
final class CliRunner {

  private CliRunner() {}

  static Result run(String... args) {
    return run(commandLine -> {}, args);
  }

  /** Like {@link #run(String...)}, after {@code setup} changed the command line. */
  static Result run(Consumer<CommandLine> setup, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine commandLine = Main.commandLine();
    // First: picocli hands writers and colours only to the subcommands it already has.
    setup.accept(commandLine);
    commandLine.setColorScheme(CommandLine.Help.defaultColorScheme(Ansi.OFF));
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));
    int exitCode = commandLine.execute(args);
    return new Result(exitCode, out.toString(), err.toString());
  }

  record Result(int exitCode, String out, String err) {}
}
