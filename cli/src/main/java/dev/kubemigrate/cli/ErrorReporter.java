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
    String message = message(exception);
    if (exitCode == ExitCode.USAGE) {
      String command = commandLine.getCommandSpec().qualifiedName();
      err.println(colors.errorText(command + ": " + message));
      err.println("Try '" + command + " --help' for more information.");
    } else {
      String root = commandLine.getCommandSpec().root().name();
      err.println(colors.errorText(root + ": " + message));
    }
    if (verbose(parseResult)) {
      exception.printStackTrace(err);
    }
    err.flush();
    // -o json|yaml promises one result object on stdout, whatever happened after parsing.
    output(parseResult)
        .ifPresent(
            format -> {
              PrintWriter out = commandLine.getOut();
              out.println(
                  OutcomeJson.error(exitCode, ExitCodes.reason(exception), message, format));
              out.flush();
            });
    return exitCode.code();
  }

  /**
   * What the user reads: a {@link KubemigrateException}'s own message, which already says what went
   * wrong in full (its causes are for {@code --verbose}); else the cause chain, condensed. One
   * line: a control character in a value (a newline in a flag) is shown escaped.
   */
  static String message(Throwable exception) {
    String text =
        ExitCodes.known(exception)
            .map(Throwable::getMessage)
            .filter(m -> !m.isBlank())
            .orElseGet(() -> condensed(exception));
    return escapeControls(text.strip());
  }

  /** {@code text} with each control character written as an escape ({@code \n}, {@code \t}). */
  static String escapeControls(String text) {
    StringBuilder out = new StringBuilder(text.length());
    text.codePoints()
        .forEach(
            c -> {
              switch (c) {
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                  if (Character.isISOControl(c)) {
                    out.append(String.format("\\u%04x", c));
                  } else {
                    out.appendCodePoint(c);
                  }
                }
              }
            });
    return out.toString();
  }

  /** The {@code -o/--output} format of the command that ran, if it was given. */
  private static java.util.Optional<String> output(ParseResult parseResult) {
    ParseResult level = parseResult;
    while (level != null && level.subcommand() != null) {
      level = level.subcommand();
    }
    if (level == null || !level.hasMatchedOption("--output")) {
      return java.util.Optional.empty();
    }
    String format = level.matchedOptionValue("--output", "");
    return format.equals("json") || format.equals("yaml")
        ? java.util.Optional.of(format)
        : java.util.Optional.empty();
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
