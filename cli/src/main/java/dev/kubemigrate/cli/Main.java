package dev.kubemigrate.cli;

import picocli.CommandLine;

/** Entry point of the {@code kubemigrate} command line. */
public final class Main {

  private Main() {}

  /** The only place that calls {@link System#exit}: everything else returns an exit code. */
  public static void main(String[] args) {
    if (java.util.Arrays.asList(args).contains(ErrorReporter.VERBOSE)) {
      Logging.showLibraries();
    }
    System.exit(commandLine().execute(args));
  }

  /** The fully configured command line, shared by {@link #main} and the tests. */
  static CommandLine commandLine() {
    CommandLine commandLine = new CommandLine(new KubemigrateCommand());
    commandLine.setParameterExceptionHandler(new ShortUsageErrorHandler());
    commandLine.setExecutionExceptionHandler(new ErrorReporter());
    commandLine.setExitCodeExceptionMapper(new ExitCodes());
    commandLine.setExecutionStrategy(new NoEmptyValues(new CommandLine.RunLast()));
    return commandLine;
  }
}
