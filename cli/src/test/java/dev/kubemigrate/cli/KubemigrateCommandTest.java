package dev.kubemigrate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubemigrate.version.KubemigrateVersion;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Help.Ansi;

class KubemigrateCommandTest {

  @Test
  @DisplayName("--version prints the kubemigrate version and the Java runtime, and exits 0")
  void versionPrintsVersionAndJavaRuntime() {
    // Given
    String[] args = {"--version"};

    // When
    Result result = run(args);

    // Then
    assertThat(result.exitCode()).isZero();
    assertThat(result.out().lines())
        .containsExactly(
            "kubemigrate " + KubemigrateVersion.current(),
            "Java " + Runtime.version() + " (" + System.getProperty("java.vm.name") + ")");
    assertThat(result.err()).isEmpty();
  }

  @Test
  @DisplayName("--help prints the usage on stdout and exits 0")
  void helpPrintsUsage() {
    // Given
    String[] args = {"--help"};

    // When
    Result result = run(args);

    // Then
    assertThat(result.exitCode()).isZero();
    assertThat(result.out()).startsWith("Usage: kubemigrate").contains("--version", "--help");
    assertThat(result.err()).isEmpty();
  }

  @Test
  @DisplayName("no arguments prints the usage on stderr and exits 2")
  void noArgumentsIsUsageError() {
    // Given
    String[] args = {};

    // When
    Result result = run(args);

    // Then
    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err()).startsWith("Usage: kubemigrate");
    assertThat(result.out()).isEmpty();
  }

  @Test
  @DisplayName("an unknown flag prints one line naming it plus a hint to --help, and exits 2")
  void unknownFlagIsOneLineUsageError() {
    // Given
    String[] args = {"--nope"};

    // When
    Result result = run(args);

    // Then
    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err().lines())
        .containsExactly(
            "kubemigrate: Unknown option: '--nope'",
            "Try 'kubemigrate --help' for more information.");
    assertThat(result.out()).isEmpty();
  }

  @Test
  @DisplayName("A command line that names a command holds that command alone; any other, all nine")
  void onlyTheNamedCommandIsBuilt() {
    for (var e : KubemigrateCommand.COMMANDS.entrySet()) {
      assertThat(e.getValue().getAnnotation(CommandLine.Command.class).name())
          .isEqualTo(e.getKey());
      for (String[] args :
          new String[][] {{e.getKey()}, {"--verbose", e.getKey(), "--help"}, {e.getKey(), "x"}}) {
        assertThat(Main.commandLine(args).getSubcommands().keySet())
            .as(String.join(" ", args))
            .containsExactly(e.getKey());
      }
    }
    for (String[] args : new String[][] {{}, {"--help"}, {"rnu"}, {"help", "run"}, {"-x", "a"}}) {
      assertThat(Main.commandLine(args).getSubcommands().keySet())
          .as(String.join(" ", args))
          .containsExactlyElementsOf(KubemigrateCommand.COMMANDS.keySet());
    }
    // The command is the first word that is not an option, whatever the values after it
    assertThat(Main.named(new String[] {"run", "--app", "operator"})).isEqualTo("run");
    assertThat(Main.named(new String[] {"--verbose", "operator", "-n", "x"})).isEqualTo("operator");
    assertThat(Main.named(new String[] {"--help"})).isEmpty();
    // The one command behaves as with all of them: its options, its errors
    assertThat(Main.commandLine(new String[] {"await", "--nope"}).execute("await", "--nope"))
        .isEqualTo(2);
  }

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.MethodSource("commandNames")
  @DisplayName(
      "Each command's summary in --help is one whole sentence, and its own help has an example of"
          + " it")
  void eachCommandHasASentenceAndAnExample(String name) {
    // The top-level list: the summary, joined from its wrapped lines, ends the sentence
    String list = run("--help").out();
    String entry = list.substring(list.indexOf("\n  " + name + " ") + 1);
    StringBuilder summary = new StringBuilder();
    for (String line : entry.lines().toList()) {
      if (summary.length() > 0 && !line.startsWith("                ")) {
        break;
      }
      summary.append(summary.length() == 0 ? line.substring(2 + name.length()) : line).append(' ');
    }
    String sentence = summary.toString().strip().replaceAll("\\s+", " ");
    assertThat(sentence).matches("[A-Z][^.]*[^ ,;:]\\.").doesNotContain("(app, phase,");
    // Its own help: the same sentence first, and an example that calls it
    Result help = run(name, "--help");
    assertThat(help.exitCode()).isZero();
    assertThat(help.out().replaceAll("\\s+", " ")).startsWith(sentence);
    assertThat(help.out()).contains("Examples:").contains("  kubemigrate " + name + " ");
  }

  /** The commands that --help lists: all but those only kubemigrate's own pods run. */
  static java.util.stream.Stream<String> commandNames() {
    return KubemigrateCommand.COMMANDS.entrySet().stream()
        .filter(e -> !e.getValue().getAnnotation(picocli.CommandLine.Command.class).hidden())
        .map(java.util.Map.Entry::getKey);
  }

  @Test
  @DisplayName(
      "start-once, which only a run's pod runs, is left out of --help, and its own help says what"
          + " it is for")
  void startOnceIsHidden() {
    assertThat(run("--help").out()).doesNotContain("start-once");
    Result help = run("start-once", "--help");
    assertThat(help.exitCode()).isZero();
    assertThat(help.out()).contains("--grant-file");
    assertThat(help.out().replaceAll("\\s+", "")).contains("kubemigrate.dev/start-granted");
    // Without its file: one line, exit 2
    Result bad = run("start-once");
    assertThat(bad.exitCode()).isEqualTo(2);
    assertThat(bad.err()).contains("--grant-file");
  }

  private static Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine commandLine = Main.commandLine();
    commandLine.setColorScheme(CommandLine.Help.defaultColorScheme(Ansi.OFF));
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));
    int exitCode = commandLine.execute(args);
    return new Result(exitCode, out.toString(), err.toString());
  }

  private record Result(int exitCode, String out, String err) {}
}
