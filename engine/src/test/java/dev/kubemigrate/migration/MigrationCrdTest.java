package dev.kubemigrate.migration;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The shipped CRDs are the one the build generates from the Java types, byte for byte. */
class MigrationCrdTest {

  private static final Path GENERATED =
      Path.of("target", "classes", "META-INF", "fabric8", "migrations.kubemigrate.dev-v1.yml");

  @ParameterizedTest
  @ValueSource(
      strings = {
        "deploy/operator/crd.yaml",
        "deploy/helm/kubemigrate-operator/crds/migrations.kubemigrate.dev.yaml"
      })
  void shippedCrdIsTheGeneratedOne(String shipped) throws Exception {
    // Given the CRD that crd-generator wrote from dev.kubemigrate.migration
    String generated = Files.readString(GENERATED);

    // Then the shipped copy is the same: after a change of the types, copy it over
    assertThat(Files.readString(Path.of("..").resolve(shipped)))
        .as("%s is stale: cp engine/%s %s", shipped, GENERATED, shipped)
        .isEqualTo(generated);
  }

  @ParameterizedTest
  @ValueSource(strings = {"app", "image"})
  void requiredFieldsAreRequiredByTheSchema(String field) throws Exception {
    assertThat(Files.readString(GENERATED)).contains("- \"" + field + "\"");
  }
}
