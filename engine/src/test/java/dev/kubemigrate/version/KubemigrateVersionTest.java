package dev.kubemigrate.version;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class KubemigrateVersionTest {

  @Test
  @DisplayName("current() returns the project version that Maven stamped into the build")
  void currentReturnsStampedProjectVersion() {
    // Given the filtered resource on the class path
    String expected = System.getProperty("kubemigrate.expectedVersion");

    // When
    String version = KubemigrateVersion.current();

    // Then
    assertThat(version).isNotBlank().isNotEqualTo(KubemigrateVersion.UNKNOWN);
    assertThat(version).doesNotContain("${").matches("\\d+\\.\\d+\\.\\d+.*");
    if (expected != null) {
      assertThat(version).isEqualTo(expected);
    }
  }

  @Test
  @DisplayName("an unfiltered version resource is reported as unknown, not as a Maven expression")
  void unfilteredResourceIsUnknown() throws IOException {
    // Given
    InputStream in = stream("version=${project.version}\n");

    // When
    String version = KubemigrateVersion.readFrom(in);

    // Then
    assertThat(version).isEqualTo("unknown");
  }

  @Test
  @DisplayName("a missing version resource is reported as unknown")
  void missingResourceIsUnknown() throws IOException {
    // Given no resource
    // When
    String version = KubemigrateVersion.readFrom(null);

    // Then
    assertThat(version).isEqualTo("unknown");
  }

  private static InputStream stream(String text) {
    return new ByteArrayInputStream(text.getBytes(StandardCharsets.ISO_8859_1));
  }
}
