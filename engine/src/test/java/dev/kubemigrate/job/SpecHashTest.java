package dev.kubemigrate.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubemigrate.api.MigrationSpec;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SpecHashTest {

  @Test
  @DisplayName("the hash is 16 lower-case hex digits and the same for equal specs")
  void isStable() {
    // Given
    MigrationSpec a = TestSpecs.shop().build();
    MigrationSpec b = TestSpecs.shop().build();

    // When
    String hash = SpecHash.of(a);

    // Then
    assertThat(hash).matches("[0-9a-f]{16}").isEqualTo(SpecHash.of(b));
  }

  @Test
  @DisplayName("the order of keys in maps does not change the hash")
  void ignoresMapOrdering() {
    // Given
    Map<String, String> ab = new LinkedHashMap<>();
    ab.put("a", "1");
    ab.put("b", "2");
    Map<String, String> ba = new LinkedHashMap<>();
    ba.put("b", "2");
    ba.put("a", "1");
    Map<String, Quantity> cpuFirst = new LinkedHashMap<>();
    cpuFirst.put("cpu", new Quantity("1"));
    cpuFirst.put("memory", new Quantity("1Gi"));
    Map<String, Quantity> memoryFirst = new LinkedHashMap<>();
    memoryFirst.put("memory", new Quantity("1Gi"));
    memoryFirst.put("cpu", new Quantity("1"));

    // When
    String first =
        SpecHash.of(
            TestSpecs.shop()
                .nodeSelector(ab)
                .resources(new ResourceRequirementsBuilder().withLimits(cpuFirst).build())
                .podTemplate(template(ab))
                .build());
    String second =
        SpecHash.of(
            TestSpecs.shop()
                .nodeSelector(ba)
                .resources(new ResourceRequirementsBuilder().withLimits(memoryFirst).build())
                .podTemplate(template(ba))
                .build());

    // Then
    assertThat(first).isEqualTo(second);
  }

  @Test
  @DisplayName("version, timeout, retries, startup grace, TTL and pull policy do not change it")
  void ignoresWhatDoesNotChangeWhatRuns() {
    // Given
    MigrationSpec spec = TestSpecs.shop().build();

    // When
    MigrationSpec patient =
        spec.toBuilder()
            .version("other")
            .timeout(Duration.ofHours(2))
            .retries(3)
            .startupGrace(Duration.ofMinutes(9))
            .ttlAfterFinished(Duration.ofDays(7))
            .imagePullPolicy("Always")
            .build();

    // Then
    assertThat(SpecHash.of(patient)).isEqualTo(SpecHash.of(spec));
  }

  static Stream<Arguments> changes() {
    return Stream.of(
        change("image", b -> b.image("kubemigrate.local/flyway:11.9.0").version("11.8.2")),
        change("command", b -> b.command(List.of("flyway"))),
        change("args", b -> b.args(List.of("migrate", "-X"))),
        change("env value", b -> b.putEnv("FLYWAY_PASSWORD", "other")),
        change(
            "env order",
            b ->
                b.env(
                    List.of(
                        new EnvVar("FLYWAY_PASSWORD", "s3cret", null),
                        new EnvVar("FLYWAY_URL", "jdbc:postgresql://db:5432/shop", null)))),
        change(
            "envFrom",
            b ->
                b.addEnvFrom(
                    new io.fabric8.kubernetes.api.model.EnvFromSourceBuilder()
                        .withNewSecretRef()
                        .withName("db")
                        .endSecretRef()
                        .build())),
        change("service account", b -> b.serviceAccountName("migrator")),
        change(
            "resources",
            b ->
                b.resources(
                    new ResourceRequirementsBuilder()
                        .addToLimits("memory", new Quantity("1Gi"))
                        .build())),
        change("node selector", b -> b.putNodeSelector("disk", "ssd")),
        change(
            "tolerations",
            b -> b.tolerations(List.of(new TolerationBuilder().withOperator("Exists").build()))),
        change("image pull secrets", b -> b.addImagePullSecret("regcred")),
        change("pod template", b -> b.podTemplate(template(Map.of("team", "db")))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("changes")
  @DisplayName("any change to what runs changes the hash")
  void changesWithWhatRuns(String what, UnaryOperator<MigrationSpec.Builder> change) {
    // Given
    MigrationSpec spec = TestSpecs.shop().build();

    // When
    MigrationSpec changed = change.apply(spec.toBuilder()).build();

    // Then
    assertThat(SpecHash.of(changed)).as(what).isNotEqualTo(SpecHash.of(spec));
  }

  private static Arguments change(String what, UnaryOperator<MigrationSpec.Builder> change) {
    return Arguments.of(what, change);
  }

  private static PodTemplateSpec template(Map<String, String> labels) {
    return new PodTemplateSpecBuilder()
        .withNewMetadata()
        .withLabels(labels)
        .endMetadata()
        .withNewSpec()
        .addNewVolume()
        .withName("sql")
        .withNewEmptyDir()
        .endEmptyDir()
        .endVolume()
        .endSpec()
        .build();
  }
}
