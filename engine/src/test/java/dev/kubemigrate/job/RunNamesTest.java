package dev.kubemigrate.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kubemigrate.api.Phase;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RunNamesTest {

  private static final String DNS_LABEL = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";

  @Test
  @DisplayName("a version that is already a DNS label is used as it is")
  void keepsCleanVersion() {
    // Given
    String version = "v42";

    // When
    String name = RunNames.jobName("shop", Phase.PRE, version, 1);

    // Then
    assertThat(name).isEqualTo("shop-pre-v42");
    assertThat(RunNames.recordName("shop", Phase.PRE, version))
        .isEqualTo("kubemigrate-shop-pre-v42");
  }

  @Test
  @DisplayName("later attempts add -r<attempt> to the same base name")
  void suffixesLaterAttempts() {
    // Given
    String version = "v42";

    // When
    String second = RunNames.jobName("shop", Phase.POST, version, 2);
    String twelfth = RunNames.jobName("shop", Phase.POST, version, 12);

    // Then
    assertThat(second).isEqualTo("shop-post-v42-r2");
    assertThat(twelfth).isEqualTo("shop-post-v42-r12");
  }

  @Test
  @DisplayName("a version that sanitizing changed always gets a hash, so 1.0 and 1-0 never collide")
  void hashesSanitizedVersions() {
    // Given
    String dotted = "1.0";
    String dashed = "1-0";

    // When
    String dottedName = RunNames.jobName("shop", Phase.PRE, dotted, 1);
    String dashedName = RunNames.jobName("shop", Phase.PRE, dashed, 1);

    // Then
    assertThat(dashedName).isEqualTo("shop-pre-1-0");
    assertThat(dottedName).matches("shop-pre-1-0-[0-9a-f]{10}").isNotEqualTo(dashedName);
    assertThat(RunNames.jobName("shop", Phase.PRE, "V1", 1)).matches("shop-pre-v1-[0-9a-f]{10}");
  }

  @Test
  @DisplayName("hashes long versions into a valid name of at most 63 characters")
  void hashesLongVersionsIntoAValidName() {
    // Given
    String version = "release-" + "x".repeat(192);

    // When
    String name = RunNames.jobName("shop", Phase.PRE, version, 1);
    String retry = RunNames.jobName("shop", Phase.PRE, version, Integer.MAX_VALUE);
    String record = RunNames.recordName("shop", Phase.PRE, version);

    // Then
    assertThat(name)
        .hasSizeLessThanOrEqualTo(RunNames.MAX_BASE_LENGTH)
        .startsWith("shop-pre-release-x");
    assertThat(name).matches(DNS_LABEL).matches(".*-[0-9a-f]{10}");
    assertThat(retry).hasSizeLessThanOrEqualTo(63).matches(DNS_LABEL).startsWith(name + "-r");
    assertThat(record)
        .hasSizeLessThanOrEqualTo(63)
        .matches(DNS_LABEL)
        .isEqualTo("kubemigrate-" + name);
  }

  @Test
  @DisplayName("two long versions that share a long prefix get different names")
  void distinguishesLongVersionsWithSharedPrefix() {
    // Given
    String prefix = "2024.06.01-build-" + "0".repeat(100);

    // When
    String a = RunNames.jobName("shop", Phase.PRE, prefix + "1", 1);
    String b = RunNames.jobName("shop", Phase.PRE, prefix + "2", 1);

    // Then
    assertThat(a).isNotEqualTo(b);
  }

  @Test
  @DisplayName("a version of only unicode still gives a valid, hashed name")
  void hashesUnicodeVersions() {
    // Given
    String version = "версия-①";

    // When
    String name = RunNames.jobName("shop", Phase.PRE, version, 1);

    // Then
    assertThat(name).matches(DNS_LABEL).matches("shop-pre-[0-9a-f]{10}");
    assertThat(name).isNotEqualTo(RunNames.jobName("shop", Phase.PRE, "версия-②", 1));
  }

  @Test
  @DisplayName("phase is part of the name: pre and post of one version never share a Job")
  void phaseIsPartOfTheName() {
    // Given
    String version = "1.0";

    // When / Then
    assertThat(RunNames.jobName("shop", Phase.PRE, version, 1))
        .isNotEqualTo(RunNames.jobName("shop", Phase.POST, version, 1));
  }

  @Test
  @DisplayName("names are deterministic: the same input always gives the same name")
  void namesAreDeterministic() {
    // Given
    String version = "sha256:" + "f".repeat(64);

    // When
    String first = RunNames.jobName("a".repeat(63), Phase.POST, version, 3);
    String second = RunNames.jobName("a".repeat(63), Phase.POST, version, 3);

    // Then
    assertThat(first).isEqualTo(second).hasSizeLessThanOrEqualTo(63).matches(DNS_LABEL);
  }

  @Test
  @DisplayName("attempts count from 1")
  void refusesAttemptZero() {
    // Given / When / Then
    assertThatThrownBy(() -> RunNames.jobName("shop", Phase.PRE, "1", 0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  static Stream<Arguments> awkwardInputs() {
    return Stream.of(
        Arguments.of("shop", "1.0"),
        Arguments.of("shop", "1-0"),
        Arguments.of("shop", "---"),
        Arguments.of("shop", "."),
        Arguments.of("shop", "1.0+build@sha256:abc"),
        Arguments.of("shop", "UPPER_case"),
        Arguments.of("shop", "v".repeat(200)),
        Arguments.of("shop", "1." + "9".repeat(199)),
        Arguments.of("shop", "日本語のバージョン"),
        Arguments.of("shop", "emoji-🚀-release"),
        Arguments.of("a".repeat(63), "1"),
        Arguments.of("a".repeat(63), "x".repeat(200)),
        Arguments.of("a", ""),
        Arguments.of("a-b", "-a-"));
  }

  @ParameterizedTest
  @MethodSource("awkwardInputs")
  @DisplayName("job and record names are DNS-1123 labels of at most 63 characters for any input")
  void namesAreAlwaysValid(String app, String version) {
    // Given the inputs
    for (Phase phase : Phase.values()) {
      for (int attempt : new int[] {1, 2, 99, 1000, Integer.MAX_VALUE}) {
        // When
        String job = RunNames.jobName(app, phase, version, attempt);

        // Then
        assertThat(job).hasSizeLessThanOrEqualTo(63).matches(DNS_LABEL);
      }
      assertThat(RunNames.recordName(app, phase, version))
          .hasSizeLessThanOrEqualTo(63)
          .matches(DNS_LABEL);
    }
  }

  @Test
  @DisplayName("thousands of random versions all give valid names, and no two share one")
  void randomVersionsGiveValidDistinctNames() {
    // Given a fixed seed, so a failure can be reproduced
    Random random = new Random(20240601);
    List<String> alphabet =
        List.of("a", "Z", "0", "9", ".", "-", "_", "+", "@", ":", "é", "🚀", " ");
    Map<String, String> versionByName = new HashMap<>();

    for (int i = 0; i < 5000; i++) {
      StringBuilder version = new StringBuilder();
      int length = random.nextInt(201);
      for (int j = 0; j < length; j++) {
        version.append(alphabet.get(random.nextInt(alphabet.size())));
      }

      // When
      String name = RunNames.jobName("shop", Phase.PRE, version.toString(), 1);

      // Then
      assertThat(name).hasSizeLessThanOrEqualTo(63).matches(DNS_LABEL);
      String previous = versionByName.putIfAbsent(name, version.toString());
      assertThat(previous == null || previous.contentEquals(version))
          .as("%s and %s share the name %s", previous, version, name)
          .isTrue();
    }
  }
}
