package dev.kubemigrate.cli;

import picocli.CommandLine;

/** Entry point of the {@code kubemigrate} command line. */
public final class Main {

  private Main() {}

  /** The only place that calls {@link System#exit}: everything else returns an exit code. */
  public static void main(String[] args) {
    if (java.util.Arrays.asList(args).contains(ErrorReporter.VERBOSE)) {
      Logging.showLibraries();
    } else if (!named(args).equals("operator")) {
      Logging.off();
    }
    int code = commandLine(args).execute(args);
    QuickExit.prepare();
    System.exit(code);
  }

  /**
   * The command {@code args} name: their first word that is not an option (the top-level options
   * take no value), or empty. {@code run --app operator} names {@code run}.
   */
  static String named(String[] args) {
    return java.util.Arrays.stream(args).filter(a -> !a.startsWith("-")).findFirst().orElse("");
  }

  /** The fully configured command line, with every command: what the tests use. */
  static CommandLine commandLine() {
    return commandLine(new String[0]);
  }

  /**
   * The command line for {@code args}: with only the command they name when they name one, so that
   * picocli reflects on that command's options alone (a third of {@code await}'s start-up went to
   * building all nine); with every command otherwise (help, a typo's suggestions).
   */
  static CommandLine commandLine(String[] args) {
    CommandLine commandLine = new CommandLine(new KubemigrateCommand());
    String named = named(args);
    if (KubemigrateCommand.COMMANDS.containsKey(named)) {
      commandLine.addSubcommand(named, KubemigrateCommand.COMMANDS.get(named));
    } else {
      KubemigrateCommand.COMMANDS.forEach(commandLine::addSubcommand);
    }
    commandLine.setParameterExceptionHandler(new ShortUsageErrorHandler());
    commandLine.setExecutionExceptionHandler(new ErrorReporter());
    commandLine.setExitCodeExceptionMapper(new ExitCodes());
    commandLine.setExecutionStrategy(new NoEmptyValues(new CommandLine.RunLast()));
    return commandLine;
  }
}
