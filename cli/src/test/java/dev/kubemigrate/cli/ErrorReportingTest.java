package dev.kubemigrate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubemigrate.api.ExitCode;
import dev.kubemigrate.api.KubemigrateException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;

class ErrorReportingTest {

  @Test
  @DisplayName("an unexpected error exits 1 with the condensed cause chain on one line")
  void unexpectedErrorIsOneLine() {
    // Given
    Exception failure =
        new IllegalStateException(
            "cannot list jobs", new UncheckedIOException(new IOException("Connection refused")));

    // When
    CliRunner.Result result = runFailing(failure);

    // Then
    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err().lines())
        .containsExactly("kubemigrate: cannot list jobs: Connection refused");
  }

  @Test
  @DisplayName("a kubemigrate error exits with its own code, also when wrapped")
  void kubemigrateErrorKeepsItsCode() {
    // Given
    Exception failure =
        new RuntimeException(
            new KubemigrateException(
                ExitCode.KUBERNETES_API, "forbidden: cannot create jobs.batch in namespace shop"));

    // When
    CliRunner.Result result = runFailing(failure);

    // Then
    assertThat(result.exitCode()).isEqualTo(5);
    assertThat(result.err().lines())
        .containsExactly("kubemigrate: forbidden: cannot create jobs.batch in namespace shop");
  }

  @Test
  @DisplayName("an interrupt exits 130")
  void interruptExits130() {
    // Given
    Exception failure = new InterruptedException("sleep interrupted");

    // When
    CliRunner.Result result = runFailing(failure);

    // Then
    assertThat(result.exitCode()).isEqualTo(130);
  }

  @Test
  @DisplayName("an exception without a message is named by its class")
  void namesExceptionsWithoutMessage() {
    // Given
    Exception failure = new IllegalStateException("run failed", new NullPointerException());

    // When
    String text = ErrorReporter.condensed(failure);

    // Then
    assertThat(text).isEqualTo("run failed: NullPointerException");
  }

  @Test
  @DisplayName("maps exceptions to the one exit-code table")
  void mapsExceptionsToExitCodes() {
    // Given
    ExitCodes mapper = new ExitCodes();
    CommandLine commandLine = new CommandLine(new Failing(new Exception()));

    // When / Then
    assertThat(mapper.getExitCode(new KubemigrateException(ExitCode.CONFLICT, "x"))).isEqualTo(6);
    assertThat(mapper.getExitCode(new KubemigrateException(ExitCode.TIMED_OUT, "x"))).isEqualTo(4);
    assertThat(mapper.getExitCode(new CommandLine.ParameterException(commandLine, "x")))
        .isEqualTo(2);
    assertThat(mapper.getExitCode(new IllegalArgumentException("x"))).isEqualTo(1);
  }

  private static CliRunner.Result runFailing(Exception failure) {
    return CliRunner.run(
        commandLine -> commandLine.addSubcommand("fail", new Failing(failure)), "fail");
  }

  @Command(name = "fail")
  static final class Failing implements Callable<Integer> {
    private final Exception failure;

    Failing(Exception failure) {
      this.failure = failure;
    }

    @Override
    public Integer call() throws Exception {
      throw failure;
    }
  }
}
