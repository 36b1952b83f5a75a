package dev.kubemigrate.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class VersionsTest {

  @ParameterizedTest(name = "{0} < {1}")
  @CsvSource({
    "1.0.0, 2.0.0",
    "1.9.0, 1.10.0",
    "1.0.9, 1.0.10",
    "v1.4.0, 1.5.0",
    "1.0.0-alpha, 1.0.0",
    "1.0.0-alpha, 1.0.0-alpha.1",
    "1.0.0-alpha.1, 1.0.0-alpha.beta",
    "1.0.0-alpha.beta, 1.0.0-beta",
    "1.0.0-beta.2, 1.0.0-beta.11",
    "1.0.0-beta.11, 1.0.0-rc.1",
    "1.0.0-rc.1, 1.0.0",
    "9, 10",
    "2024.05.17, 2024.11.2",
    "1.2, 1.2.1",
    "1.2.3.4, 1.2.3.5",
    "99999999999999999999.0.0, 100000000000000000000.0.0",
  })
  @DisplayName("versions order the way users write them (SemVer 2.0.0 precedence, dotted numbers)")
  void orders(String older, String newer) {
    assertThat(Versions.compare(older, newer)).contains(-1);
    assertThat(Versions.compare(newer, older)).contains(1);
  }

  @ParameterizedTest(name = "{0} = {1}")
  @CsvSource({"1.0.0, v1.0.0", "1.0.0+build.1, 1.0.0+build.2", "1.2, 1.2.0", "7, 7.0"})
  @DisplayName("build metadata, a leading v and trailing zeros do not change the order")
  void equal(String a, String b) {
    assertThat(Versions.compare(a, b)).contains(0);
  }

  @ParameterizedTest
  @ValueSource(strings = {"latest", "main-3f2a", "3f2a9c1", "1.0.0-", "1..0", "sha256:abc", ""})
  @DisplayName("what cannot be ordered is not guessed")
  void unorderable(String version) {
    assertThat(Versions.orderable(version)).isFalse();
    assertThat(Versions.compare(version, "1.0.0")).isEmpty();
    assertThat(Versions.compare("1.0.0", version)).isEmpty();
  }

  @Test
  @DisplayName("require names what it could not order, and what would be accepted")
  void requireSays() {
    assertThatThrownBy(() -> Versions.require("latest", "2.0.0", "--version"))
        .hasMessage(
            "cannot order --version 'latest' against '2.0.0': use semantic versions (1.5.0,"
                + " v2.0.0-rc.1) or dotted numbers (42, 2024.05.17)");
    assertThat(Versions.require("1.0.0", "2.0.0", "--version")).isNegative();
  }
}
