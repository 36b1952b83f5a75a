package dev.kubemigrate.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ExitCodeTest {

  @Test
  @DisplayName("the exit codes are the documented table, which scripts depend on")
  void exitCodesAreTheDocumentedTable() {
    // Given the table in PRODUCT.md, 7 (not found) that issue 10 added, and 8 (the rollback guard)
    // and 9 (the post phase's rollout) that issue 11 added
    // When
    int[] codes = Arrays.stream(ExitCode.values()).mapToInt(ExitCode::code).toArray();

    // Then
    assertThat(codes).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 130);
    assertThat(ExitCode.values()).allSatisfy(code -> assertThat(code.description()).isNotBlank());
  }

  @Test
  @DisplayName("usage(...) formats its message and carries exit code 2")
  void usageFormatsMessageWithExitCodeTwo() {
    // Given
    String format = "invalid phase '%s': use pre or post";

    // When
    KubemigrateException exception = KubemigrateException.usage(format, "during");

    // Then
    assertThat(exception.exitCode()).isEqualTo(ExitCode.USAGE);
    assertThat(exception.exitCode().code()).isEqualTo(2);
    assertThat(exception).hasMessage("invalid phase 'during': use pre or post").hasNoCause();
  }

  @Test
  @DisplayName("an exception keeps its cause and exit code")
  void keepsCauseAndExitCode() {
    // Given
    IllegalStateException cause = new IllegalStateException("connection refused");

    // When
    KubemigrateException exception =
        new KubemigrateException(ExitCode.KUBERNETES_API, "cannot reach the API server", cause);

    // Then
    assertThat(exception.exitCode()).isEqualTo(ExitCode.KUBERNETES_API);
    assertThat(exception).hasCause(cause);
  }
}
