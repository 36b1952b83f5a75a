package dev.kubemigrate.cli;

import dev.kubemigrate.engine.Kubemigrate;
import java.util.LinkedHashMap;
import java.util.Map;
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
    description = "Runs database migrations as Kubernetes Jobs, exactly once per release.")
final class KubemigrateCommand implements Callable<Integer> {

  /**
   * The modes, by the name each one's {@code @Command} gives it, in the order help lists them.
   * {@link Main} adds only the one a command line names.
   */
  static final Map<String, Class<?>> COMMANDS = commands();

  private static Map<String, Class<?>> commands() {
    Map<String, Class<?>> m = new LinkedHashMap<>();
    m.put("run", RunCommand.class);
    m.put("render", RenderCommand.class);
    m.put("await", AwaitCommand.class);
    m.put("status", StatusCommand.class);
    m.put("logs", LogsCommand.class);
    m.put("history", HistoryCommand.class);
    m.put("exec", ExecCommand.class);
    m.put("wait-for-db", WaitForDbCommand.class);
    m.put("start-once", StartOnceCommand.class);
    m.put("doctor", DoctorCommand.class);
    m.put("operator", OperatorCommand.class);
    return java.util.Collections.unmodifiableMap(m);
  }

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
