package dev.kubemigrate.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;

/**
 * Reports a usage error as one line plus a hint to {@code --help}, instead of picocli's default of
 * dumping the whole usage: in a CI log the actual mistake must not drown in the help text.
 */
final class ShortUsageErrorHandler implements IParameterExceptionHandler {

  @Override
  public int handleParseException(ParameterException ex, String[] args) {
    CommandLine commandLine = ex.getCommandLine();
    PrintWriter err = commandLine.getErr();
    String command = commandLine.getCommandSpec().qualifiedName();
    err.println(commandLine.getColorScheme().errorText(command + ": " + ex.getMessage()));
    err.println("Try '" + command + " --help' for more information.");
    err.flush();
    CommandLine.IExitCodeExceptionMapper mapper = commandLine.getExitCodeExceptionMapper();
    return mapper != null
        ? mapper.getExitCode(ex)
        : commandLine.getCommandSpec().exitCodeOnInvalidInput();
  }
}
