package dev.kubemigrate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * An option given an empty value is refused, whatever the command and the option, before anything
 * connects to a cluster (the check runs before any command does): exit 2, one line that names the
 * option.
 */
class EmptyValuesTest {

  static Stream<Arguments> emptyValues() {
    return Stream.of(
        Arguments.of(
            "--version", new String[] {"run", "--app", "shop", "--image", "i:1", "--version", ""}),
        Arguments.of("--image", new String[] {"run", "--app", "shop", "--image", ""}),
        Arguments.of("--app", new String[] {"run", "--app", "", "--image", "i:1"}),
        Arguments.of(
            "--lock", new String[] {"run", "--app", "shop", "--image", "i:1", "--lock", " "}),
        Arguments.of(
            "--namespace", new String[] {"run", "--app", "shop", "--image", "i:1", "-n", ""}),
        Arguments.of("--context", new String[] {"status", "--app", "shop", "--context", ""}),
        Arguments.of("--version", new String[] {"await", "--app", "shop", "--version", ""}),
        Arguments.of(
            "--timeout",
            new String[] {"await", "--app", "shop", "--version", "1", "--timeout", ""}),
        Arguments.of(
            "--lock",
            new String[] {"exec", "--app", "shop", "--version", "1", "--lock", "", "--", "true"}),
        Arguments.of("--output", new String[] {"history", "--app", "shop", "-o", ""}),
        Arguments.of(
            "--kubeconfig",
            new String[] {"logs", "--app", "shop", "--version", "1", "--kubeconfig", ""}));
  }

  @ParameterizedTest(name = "{0} empty in: {1}")
  @MethodSource("emptyValues")
  void emptyValueIsRefused(String option, String[] args) {
    CliRunner.Result r = CliRunner.run(args);
    assertThat(r.exitCode()).as(r.err()).isEqualTo(2);
    assertThat(r.err()).contains(option + " is empty");
    assertThat(r.err().lines().filter(l -> !l.startsWith("Try '"))).hasSize(1);
  }
}
