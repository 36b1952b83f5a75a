package dev.kubemigrate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Bad flags of `kubemigrate operator` are usage errors (exit 2), found before any connection. */
class OperatorCommandTest {

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "--max-concurrent-runs=0 | invalid --max-concurrent-runs 0: use 1 or more",
        "--metrics-port=70000 | invalid --metrics-port 70000",
        "--watch-namespace=Shop_NS | invalid --watch-namespace 'Shop_NS'",
      })
  void badFlagsAreUsageErrors(String flag, String message) {
    // When the operator is started with the bad flag (and a kubeconfig that does not exist)
    CliRunner.Result result =
        CliRunner.run("operator", flag, "--kubeconfig", "/nonexistent/kubeconfig");

    // Then it is exit 2 with one line naming the flag
    assertThat(result.exitCode()).as(result.err()).isEqualTo(2);
    assertThat(result.err()).contains(message);
  }

  @org.junit.jupiter.api.Test
  void allNamespacesAndAListAreExclusive() {
    CliRunner.Result result =
        CliRunner.run(
            "operator", "-A", "--watch-namespace", "shop", "--kubeconfig", "/nonexistent");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err()).contains("either --all-namespaces or --watch-namespace");
  }
}
