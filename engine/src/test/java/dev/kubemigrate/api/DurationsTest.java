package dev.kubemigrate.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {

  @ParameterizedTest
  @CsvSource({
    "90s, 90",
    "10m, 600",
    "1h30m, 5400",
    "2h, 7200",
    "1h0m5s, 3605",
    "1h5s, 3605",
    "' 10m ', 600"
  })
  @DisplayName("parses hours, minutes and seconds in any combination")
  void parsesHoursMinutesAndSeconds(String text, long seconds) {
    // Given the text
    // When
    Duration duration = Durations.parse(text, "--timeout");

    // Then
    assertThat(duration).isEqualTo(Duration.ofSeconds(seconds));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"ten minutes", "10", "10d", "500ms", "1.5h", "m", "10m1h", "PT10M", "10M"})
  @DisplayName("refuses garbage, bare numbers and unknown units, naming the option")
  void refusesGarbage(String text) {
    // Given the text
    // When / Then
    assertThatThrownBy(() -> Durations.parse(text, "--timeout"))
        .isInstanceOf(KubemigrateException.class)
        .hasMessage("invalid duration '" + text + "' for --timeout: use e.g. 90s, 10m, 1h30m")
        .extracting(e -> ((KubemigrateException) e).exitCode())
        .isEqualTo(ExitCode.USAGE);
  }

  @Test
  @DisplayName("refuses an empty duration")
  void refusesEmpty() {
    // Given
    String text = "";

    // When / Then
    assertThatThrownBy(() -> Durations.parse(text, "--ttl", true))
        .hasMessage("invalid duration '' for --ttl: use e.g. 90s, 10m, 1h30m");
  }

  @Test
  @DisplayName("refuses a negative duration")
  void refusesNegative() {
    // Given
    String text = "-5m";

    // When / Then
    assertThatThrownBy(() -> Durations.parse(text, "--startup-grace", true))
        .hasMessage("invalid duration '-5m' for --startup-grace: must not be negative");
  }

  @Test
  @DisplayName("refuses zero unless zero is allowed")
  void refusesZeroUnlessAllowed() {
    // Given
    String text = "0s";

    // When / Then
    assertThatThrownBy(() -> Durations.parse(text, "--timeout"))
        .hasMessage("invalid duration '0s' for --timeout: must be longer than zero");
    assertThat(Durations.parse(text, "--ttl", true)).isZero();
  }

  @Test
  @DisplayName("refuses a duration too long to represent")
  void refusesOverflow() {
    // Given
    String text = "99999999999999999999h";

    // When / Then
    assertThatThrownBy(() -> Durations.parse(text, "--timeout"))
        .hasMessage("invalid duration '99999999999999999999h' for --timeout: too long");
  }

  @ParameterizedTest
  @ValueSource(strings = {"99999999999999h", "721h", "43201m", "2592001s", "720h1s"})
  @DisplayName("refuses a duration over the bound, 30 days, and says the bound")
  void refusesOverTheBound(String text) {
    assertThatThrownBy(() -> Durations.parse(text, "--timeout"))
        .hasMessage("invalid duration '" + text + "' for --timeout: at most 720h (30 days)");
    assertThatThrownBy(() -> Durations.parse(text, "--ttl", true))
        .hasMessageContaining("at most 720h");
    assertThat(Durations.parse("720h", "--timeout")).isEqualTo(Durations.MAX);
  }

  @ParameterizedTest
  @CsvSource({"5400, 1h30m", "90, 1m30s", "600, 10m", "7200, 2h", "3605, 1h5s", "0, 0s", "59, 59s"})
  @DisplayName("formats largest units first and leaves zero units out")
  void formatsLargestUnitsFirst(long seconds, String expected) {
    // Given
    Duration duration = Duration.ofSeconds(seconds);

    // When
    String text = Durations.format(duration);

    // Then
    assertThat(text).isEqualTo(expected);
    if (seconds > 0) {
      assertThat(Durations.parse(text, "--timeout")).isEqualTo(duration);
    }
  }
}
