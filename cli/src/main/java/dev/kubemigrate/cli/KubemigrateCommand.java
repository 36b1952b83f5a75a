package dev.kubemigrate.cli;

import dev.kubemigrate.engine.Kubemigrate;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ExitCode;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/** The top-level {@code kubemigrate} command; the modes are its subcommands. */
@Command(
    name = "kubemigrate",
    mixinStandardHelpOptions = true,
    versionProvider = KubemigrateCommand.VersionProvider.class,
    description = "Runs database migrations as Kubernetes Jobs, exactly once per release.",
    subcommands = {
      RunCommand.class,
      RenderCommand.class,
      AwaitCommand.class,
      StatusCommand.class,
      LogsCommand.class,
      HistoryCommand.class,
      ExecCommand.class,
      DoctorCommand.class,
      OperatorCommand.class
    })
final class KubemigrateCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  // Inherited, so that it may follow the subcommand too. ErrorReporter reads it from the parse
  // result, wherever it was given.
  @Option(
      names = ErrorReporter.VERBOSE,
      scope = ScopeType.INHERIT,
      description = "On an error, print the stack trace too.")
  boolean verbose;

  /** Without a subcommand there is nothing to do: that is a usage error. */
  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return ExitCode.USAGE;
  }

  /** Prints {@code kubemigrate <version>} and, for bug reports, the Java runtime it runs on. */
  static final class VersionProvider implements IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {
        "kubemigrate " + Kubemigrate.version(),
        "Java " + Runtime.version() + " (" + System.getProperty("java.vm.name") + ")"
      };
    }
  }
}
