package dev.kubemigrate.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ImageReferenceTest {

  private static final String DIGEST =
      "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

  @ParameterizedTest
  @CsvSource(
      nullValues = "-",
      value = {
        "flyway, -, flyway, -",
        "flyway/flyway:11.8.2, -, flyway/flyway, 11.8.2",
        "kubemigrate.local/flyway:11.8.2, kubemigrate.local, flyway, 11.8.2",
        "localhost:5000/team/migrations:v1_2-rc.3, localhost:5000, team/migrations, v1_2-rc.3",
        "localhost/x:1, localhost, x, 1",
        "registry.example.com:443/a/b/c:latest, registry.example.com:443, a/b/c, latest",
        "Registry/app:1, Registry, app, 1",
        "[::1]:5000/app:1, [::1]:5000, app, 1",
        "a__b/c--d.e:TAG, -, a__b/c--d.e, TAG"
      })
  @DisplayName("parses registry, repository and tag the way Docker does")
  void parsesRegistryRepositoryAndTag(String text, String registry, String repository, String tag) {
    // Given the text
    // When
    ImageReference reference = ImageReference.parse(text);

    // Then
    assertThat(reference.registry()).isEqualTo(registry);
    assertThat(reference.repository()).isEqualTo(repository);
    assertThat(reference.tag()).isEqualTo(tag);
    assertThat(reference.digest()).isNull();
    assertThat(reference.toString()).isEqualTo(text);
  }

  @Test
  @DisplayName("parses a digest, with or without a tag")
  void parsesDigest() {
    // Given
    String text = "ghcr.io/acme/migrations:1.4.0@" + DIGEST;

    // When
    ImageReference reference = ImageReference.parse(text);

    // Then
    assertThat(reference.registry()).isEqualTo("ghcr.io");
    assertThat(reference.repository()).isEqualTo("acme/migrations");
    assertThat(reference.tag()).isEqualTo("1.4.0");
    assertThat(reference.digest()).isEqualTo(DIGEST);
    assertThat(reference.name()).isEqualTo("ghcr.io/acme/migrations");
    assertThat(reference.toString()).isEqualTo(text);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "  ",
        "Flyway",
        "flyway:",
        "flyway:-1",
        "flyway:.x",
        "flyway: 1",
        "flyway@sha256:abc",
        "flyway@sha256:0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef",
        "flyway@" + DIGEST + "x",
        "a//b",
        "/flyway",
        "flyway/",
        "-flyway",
        "fly_-way",
        "a:b:c",
        "registry.example.com:port/app",
        "app:é"
      })
  @DisplayName("refuses an invalid image reference with a usage error")
  void refusesInvalidImageReference(String text) {
    // Given the text
    // When / Then
    assertThatThrownBy(() -> ImageReference.parse(text))
        .isInstanceOf(KubemigrateException.class)
        .hasMessageStartingWith("invalid image '" + text.strip())
        .extracting(e -> ((KubemigrateException) e).exitCode())
        .isEqualTo(ExitCode.USAGE);
    assertThat(ImageReference.tryParse(text)).isEmpty();
  }

  @Test
  @DisplayName("refuses a tag longer than 128 characters")
  void refusesTooLongTag() {
    // Given
    String text = "flyway:" + "1".repeat(129);

    // When / Then
    assertThatThrownBy(() -> ImageReference.parse(text)).hasMessageContaining("the tag must be");
    assertThat(ImageReference.parse("flyway:" + "1".repeat(128)).tag()).hasSize(128);
  }

  @Test
  @DisplayName("the version of an image is its tag, even when it also has a digest")
  void versionIsTheTag() {
    // Given
    ImageReference reference = ImageReference.parse("flyway/flyway:11.8.2@" + DIGEST);

    // When / Then
    assertThat(reference.version()).contains("11.8.2");
  }

  @Test
  @DisplayName("the version of an image without tag is the digest's algorithm and 12 hex digits")
  void versionOfDigestOnlyImage() {
    // Given
    ImageReference reference = ImageReference.parse("flyway/flyway@" + DIGEST);

    // When / Then
    assertThat(reference.version()).contains("sha256-0123456789ab");
  }

  @Test
  @DisplayName("an image with neither tag nor digest has no version")
  void noVersionWithoutTagOrDigest() {
    // Given
    ImageReference reference = ImageReference.parse("localhost:5000/flyway");

    // When / Then
    assertThat(reference.version()).isEmpty();
  }
}
