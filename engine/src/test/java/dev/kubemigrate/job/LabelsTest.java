package dev.kubemigrate.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubemigrate.api.Phase;
import dev.kubemigrate.names.KubernetesNames;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LabelsTest {

  @ParameterizedTest
  @ValueSource(strings = {"1.2.3", "v1_2", "2024.06.01-rc.1", "A"})
  @DisplayName("a version that is a valid label value is used as it is")
  void keepsLabelSafeVersions(String version) {
    // Given the version
    // When
    String value = Labels.versionValue(version);

    // Then
    assertThat(value).isEqualTo(version);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "1.2.3+build.7",
        "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
        "-1",
        "версия",
        ""
      })
  @DisplayName("a version that is not a valid label value is sanitized and hashed")
  void hashesUnsafeVersions(String version) {
    // Given the version
    // When
    String value = Labels.versionValue(version);

    // Then
    assertThat(KubernetesNames.isLabelValue(value)).isTrue();
    assertThat(value).isNotEmpty().hasSizeLessThanOrEqualTo(63).matches("(.*-)?[0-9a-f]{10}");
  }

  @Test
  @DisplayName("a 200-character version becomes a label value of at most 63 characters")
  void hashesLongVersions() {
    // Given
    String version = "9".repeat(200);

    // When
    String value = Labels.versionValue(version);

    // Then
    assertThat(value).hasSize(63);
    assertThat(KubernetesNames.isLabelValue(value)).isTrue();
    assertThat(value).isNotEqualTo(Labels.versionValue("9".repeat(199)));
  }

  @Test
  @DisplayName("selectors narrow from the app to one (app, phase, version), then one attempt")
  void selectorsNarrow() {
    // Given
    String app = "shop";

    // When
    Map<String, String> byApp = Labels.selector(app);
    Map<String, String> byVersion = Labels.selector(app, Phase.POST, "1.0+x");
    Map<String, String> byAttempt = Labels.forAttempt(app, Phase.POST, "1.0+x", 2);

    // Then
    assertThat(byApp)
        .containsExactly(
            Map.entry("app.kubernetes.io/managed-by", "kubemigrate"),
            Map.entry("kubemigrate.dev/app", "shop"));
    assertThat(byVersion)
        .containsAllEntriesOf(byApp)
        .containsEntry("kubemigrate.dev/phase", "post")
        .containsEntry("kubemigrate.dev/version", Labels.versionValue("1.0+x"))
        .hasSize(4);
    assertThat(byAttempt)
        .containsAllEntriesOf(byVersion)
        .containsEntry("kubemigrate.dev/attempt", "2");
  }
}
