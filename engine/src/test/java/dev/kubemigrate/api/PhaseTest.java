package dev.kubemigrate.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PhaseTest {

  @ParameterizedTest
  @ValueSource(strings = {"pre", "PRE", "Pre", " pre "})
  @DisplayName("parses pre in any case")
  void parsesPreInAnyCase(String text) {
    // Given the text
    // When
    Phase phase = Phase.parse(text);

    // Then
    assertThat(phase).isEqualTo(Phase.PRE);
  }

  @Test
  @DisplayName("parses post and labels both phases in lower case")
  void parsesPostAndLabelsInLowerCase() {
    // Given
    String text = "Post";

    // When
    Phase phase = Phase.parse(text);

    // Then
    assertThat(phase).isEqualTo(Phase.POST);
    assertThat(Phase.PRE.label()).isEqualTo("pre");
    assertThat(Phase.POST.label()).isEqualTo("post");
  }

  @ParameterizedTest
  @ValueSource(strings = {"during", "", "pre-post"})
  @DisplayName("refuses any other phase with a usage error naming the allowed values")
  void refusesUnknownPhase(String text) {
    // Given the text
    // When / Then
    assertThatThrownBy(() -> Phase.parse(text))
        .isInstanceOf(KubemigrateException.class)
        .hasMessage("invalid phase '" + text + "' (--phase, spec.phase): use pre, post or down")
        .extracting(e -> ((KubemigrateException) e).exitCode())
        .isEqualTo(ExitCode.USAGE);
  }
}
