package dev.kubemigrate.cli;

import dev.kubemigrate.api.ExitCode;
import java.io.PrintWriter;
import java.util.IdentityHashMap;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/**
 * Reports an exception that a command threw, and returns its exit code from {@link ExitCodes}.
 *
 * <p>A usage error reads like picocli's own: {@code kubemigrate render: <message>} and a hint to
 * {@code --help}. Any other error is one line, {@code kubemigrate: <message>: <cause>: ...}, the
 * cause chain condensed to the first line of each message. The stack trace follows only with {@code
 * --verbose}: in a CI log, the reason must come first and alone.
 */
final class ErrorReporter implements IExecutionExceptionHandler {

  static final String VERBOSE = "--verbose";

  @Override
  public int handleExecutionException(
      Exception exception, CommandLine commandLine, ParseResult parseResult) {
    ExitCode exitCode = ExitCodes.exitCode(exception);
    PrintWriter err = commandLine.getErr();
    CommandLine.Help.ColorScheme colors = commandLine.getColorScheme();
    if (exitCode == ExitCode.USAGE) {
      String command = commandLine.getCommandSpec().qualifiedName();
      err.println(colors.errorText(command + ": " + firstLine(exception)));
      err.println("Try '" + command + " --help' for more information.");
    } else {
      String root = commandLine.getCommandSpec().root().name();
      err.println(colors.errorText(root + ": " + condensed(exception)));
    }
    if (verbose(parseResult)) {
      exception.printStackTrace(err);
    }
    err.flush();
    return exitCode.code();
  }

  /** The messages of the cause chain, each once, joined by {@code ": "}. */
  static String condensed(Throwable exception) {
    StringBuilder text = new StringBuilder();
    Map<Throwable, Boolean> seen = new IdentityHashMap<>();
    for (Throwable cause = exception;
        cause != null && seen.put(cause, true) == null;
        cause = cause.getCause()) {
      String message = firstLine(cause);
      // Wrappers often repeat their cause's message, or its toString(); say it once.
      boolean wrapper =
          cause.getCause() != null && message.equals(firstLine(cause.getCause().toString()));
      if (wrapper || text.indexOf(message) >= 0) {
        continue;
      }
      text.append(text.length() == 0 ? "" : ": ").append(message);
    }
    return text.toString();
  }

  private static String firstLine(Throwable exception) {
    String message = exception.getMessage();
    return message == null || message.isBlank()
        ? exception.getClass().getSimpleName()
        : firstLine(message);
  }

  private static String firstLine(String message) {
    int newline = message.indexOf('\n');
    return (newline < 0 ? message : message.substring(0, newline)).trim();
  }

  private static boolean verbose(ParseResult parseResult) {
    for (ParseResult level = parseResult; level != null; level = level.subcommand()) {
      if (level.hasMatchedOption(VERBOSE)) {
        return true;
      }
    }
    return false;
  }
}
