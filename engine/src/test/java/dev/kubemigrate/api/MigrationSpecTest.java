package dev.kubemigrate.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kubemigrate.job.TestSpecs;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvFromSourceBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MigrationSpecTest {

  @Test
  @DisplayName("a spec with only app and image gets the documented defaults")
  void appliesDefaults() {
    // Given
    MigrationSpec.Builder builder = MigrationSpec.builder().app("shop").image("flyway:11.8.2");

    // When
    MigrationSpec spec = builder.build().validate();

    // Then
    assertThat(spec.version()).isEqualTo("11.8.2");
    assertThat(spec.phase()).isEqualTo(Phase.PRE);
    assertThat(spec.timeout()).isEqualTo(Duration.ofMinutes(10));
    assertThat(spec.retries()).isZero();
    assertThat(spec.startupGrace()).isEqualTo(Duration.ofMinutes(2));
    assertThat(spec.ttlAfterFinished()).isEqualTo(Duration.ofHours(24));
    assertThat(spec.command()).isEmpty();
    assertThat(spec.args()).isEmpty();
    assertThat(spec.env()).isEmpty();
    assertThat(spec.nodeSelector()).isEmpty();
    assertThat(spec.serviceAccountName()).isNull();
    assertThat(spec.resources()).isNull();
    assertThat(spec.podTemplate()).isNull();
  }

  @Test
  @DisplayName("an explicit version wins over the image tag")
  void explicitVersionWins() {
    // Given
    MigrationSpec.Builder builder =
        MigrationSpec.builder().app("shop").image("flyway:11.8.2").version("2024.06.1");

    // When
    MigrationSpec spec = builder.build().validate();

    // Then
    assertThat(spec.version()).isEqualTo("2024.06.1");
  }

  @Test
  @DisplayName("the version of a digest-only image is taken from its digest")
  void versionFromDigest() {
    // Given
    String image = "flyway@sha256:" + "ab".repeat(32);

    // When
    MigrationSpec spec = MigrationSpec.builder().app("shop").image(image).build().validate();

    // Then
    assertThat(spec.version()).isEqualTo("sha256-abababababab");
  }

  @Test
  @DisplayName("an image with neither tag nor digest and no version asks for --version")
  void asksForVersionWhenImageHasNone() {
    // Given
    MigrationSpec spec = MigrationSpec.builder().app("shop").image("repo/x").build();

    // When / Then
    assertUsageError(spec)
        .hasMessage(
            "image 'repo/x' has neither tag nor digest to take the version from: set --version");
  }

  @Test
  @DisplayName("collections are copied and cannot be changed afterwards")
  void copiesCollections() {
    // Given
    List<String> args = new ArrayList<>(List.of("migrate"));
    Map<String, String> selector = new LinkedHashMap<>(Map.of("disk", "ssd"));
    MigrationSpec spec = TestSpecs.shop().args(args).nodeSelector(selector).build();

    // When
    args.add("clean");
    selector.put("zone", "a");

    // Then
    assertThat(spec.args()).containsExactly("migrate");
    assertThat(spec.nodeSelector()).containsOnlyKeys("disk");
    assertThatThrownBy(() -> spec.args().add("x"))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> spec.nodeSelector().put("x", "y"))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  @DisplayName("toBuilder() gives back an equal spec")
  void toBuilderRoundTrips() {
    // Given
    MigrationSpec spec = TestSpecs.shop().retries(2).serviceAccountName("migrator").build();

    // When
    MigrationSpec copy = spec.toBuilder().build();

    // Then
    assertThat(copy).isEqualTo(spec);
  }

  @Test
  @DisplayName("putEnv replaces a variable where it stands and appends a new one")
  void putEnvReplacesInPlace() {
    // Given
    MigrationSpec.Builder builder = TestSpecs.shop();

    // When
    MigrationSpec spec = builder.putEnv("FLYWAY_URL", "jdbc:x").putEnv("NEW", "").build();

    // Then
    assertThat(spec.env())
        .extracting(EnvVar::getName, EnvVar::getValue)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("FLYWAY_URL", "jdbc:x"),
            org.assertj.core.groups.Tuple.tuple("FLYWAY_PASSWORD", "s3cret"),
            org.assertj.core.groups.Tuple.tuple("NEW", ""));
  }

  @ParameterizedTest
  @ValueSource(strings = {"Shop", "shop_db", "-shop", "shop-", "shop.db", "ünicode"})
  @DisplayName("refuses an app that is not a DNS-1123 label")
  void refusesInvalidApp(String app) {
    // Given
    MigrationSpec spec = TestSpecs.shop().app(app).build();

    // When / Then
    assertUsageError(spec).hasMessageStartingWith("invalid app '" + app + "'");
  }

  @Test
  @DisplayName("refuses an app longer than 63 characters and accepts one of 63")
  void refusesTooLongApp() {
    // Given
    MigrationSpec tooLong = TestSpecs.shop().app("a".repeat(64)).build();
    MigrationSpec longest = TestSpecs.shop().app("a".repeat(63)).build();

    // When / Then
    assertUsageError(tooLong).hasMessageStartingWith("invalid app");
    assertThat(longest.validate()).isSameAs(longest);
  }

  @Test
  @DisplayName("refuses a missing app or image, saying which flag to set")
  void refusesMissingAppOrImage() {
    // Given
    MigrationSpec noApp = TestSpecs.shop().app(null).build();
    MigrationSpec noImage = TestSpecs.shop().image(" ").build();

    // When / Then
    assertUsageError(noApp).hasMessage("no app given: set --app (or spec.app in a file)");
    assertUsageError(noImage).hasMessage("no image given: set --image (or spec.image in a file)");
  }

  @Test
  @DisplayName("refuses an invalid image reference")
  void refusesInvalidImageReference() {
    // Given
    MigrationSpec spec = TestSpecs.shop().image("Flyway:11").version("1").build();

    // When / Then
    assertUsageError(spec).hasMessageStartingWith("invalid image 'Flyway:11'");
  }

  @ParameterizedTest
  @ValueSource(strings = {"1.0 beta", "1/2", "ü", "1.0#2"})
  @DisplayName("refuses a version with characters outside [A-Za-z0-9._+@:-]")
  void refusesInvalidVersion(String version) {
    // Given
    MigrationSpec spec = TestSpecs.shop().version(version).build();

    // When / Then
    assertUsageError(spec).hasMessageStartingWith("invalid version '" + version + "'");
  }

  @Test
  @DisplayName("accepts digests and build metadata as versions, up to 128 characters")
  void acceptsDigestsAsVersions() {
    // Given
    MigrationSpec digest = TestSpecs.shop().version("sha256:" + "a".repeat(64)).build();
    MigrationSpec semver = TestSpecs.shop().version("1.2.3-rc.1+build.7@x").build();
    MigrationSpec tooLong = TestSpecs.shop().version("v".repeat(129)).build();

    // When / Then
    assertThat(digest.validate()).isSameAs(digest);
    assertThat(semver.validate()).isSameAs(semver);
    assertUsageError(tooLong).hasMessageStartingWith("invalid version");
  }

  @ParameterizedTest
  @ValueSource(strings = {"1FOO", "FOO BAR", "FOO=BAR", "", "ü"})
  @DisplayName("refuses an env var name that is not an identifier")
  void refusesInvalidEnvName(String name) {
    // Given
    MigrationSpec spec = TestSpecs.shop().env(List.of(new EnvVar(name, "x", null))).build();

    // When / Then
    assertUsageError(spec).hasMessageStartingWith("invalid env var name '" + name + "'");
  }

  @Test
  @DisplayName("accepts env var names with dots and dashes, as Kubernetes does")
  void acceptsDottedEnvNames() {
    // Given
    MigrationSpec spec =
        TestSpecs.shop()
            .env(
                List.of(new EnvVar("spring.datasource-url", "x", null), new EnvVar("_X", "", null)))
            .build();

    // When / Then
    assertThat(spec.validate()).isSameAs(spec);
  }

  @Test
  @DisplayName("refuses an env var set twice")
  void refusesDuplicateEnv() {
    // Given
    MigrationSpec spec =
        TestSpecs.shop()
            .env(List.of(new EnvVar("A", "1", null), new EnvVar("A", "2", null)))
            .build();

    // When / Then
    assertUsageError(spec)
        .hasMessage("env var A is set more than once (--env, spec.env): set it once");
  }

  @Test
  @DisplayName("refuses an envFrom entry that names neither or both of a secret and a config map")
  void refusesAmbiguousEnvFrom() {
    // Given
    EnvFromSource neither = new EnvFromSource();
    EnvFromSource both =
        new EnvFromSourceBuilder()
            .withNewSecretRef()
            .withName("a")
            .endSecretRef()
            .withNewConfigMapRef()
            .withName("b")
            .endConfigMapRef()
            .build();

    // When / Then
    assertUsageError(TestSpecs.shop().envFrom(List.of(neither)).build())
        .hasMessageStartingWith("invalid envFrom entry");
    assertUsageError(TestSpecs.shop().envFrom(List.of(both)).build())
        .hasMessageStartingWith("invalid envFrom entry");
  }

  @ParameterizedTest
  @ValueSource(ints = {-1, 21})
  @DisplayName("refuses retries outside 0..20")
  void refusesRetriesOutOfRange(int retries) {
    // Given
    MigrationSpec spec = TestSpecs.shop().retries(retries).build();

    // When / Then
    assertUsageError(spec)
        .hasMessageStartingWith(
            "invalid retries " + retries + " (--retries, spec.retries): use 0 to 20");
  }

  @Test
  @DisplayName("refuses a zero timeout and negative grace or TTL")
  void refusesNonPositiveDurations() {
    // Given / When / Then
    assertUsageError(TestSpecs.shop().timeout(Duration.ZERO).build())
        .hasMessage("invalid timeout 0s (--timeout, spec.timeout): must be longer than zero");
    assertUsageError(TestSpecs.shop().startupGrace(Duration.ofSeconds(-1)).build())
        .hasMessageStartingWith("invalid startup grace");
    assertUsageError(TestSpecs.shop().ttlAfterFinished(Duration.ofSeconds(-1)).build())
        .hasMessageStartingWith("invalid TTL after finished");
  }

  @Test
  @DisplayName("refuses invalid names of service account, pull secrets and pull policy")
  void refusesInvalidNames() {
    // Given / When / Then
    assertUsageError(TestSpecs.shop().serviceAccountName("Mig rator").build())
        .hasMessageStartingWith(
            "invalid service account 'Mig rator' (--service-account, spec.serviceAccountName): use");
    assertUsageError(TestSpecs.shop().imagePullSecrets(List.of("Reg_Cred")).build())
        .hasMessageStartingWith(
            "invalid image pull secret 'Reg_Cred' (--image-pull-secret, spec.imagePullSecrets): use");
    assertUsageError(TestSpecs.shop().imagePullPolicy("always").build())
        .hasMessage(
            "invalid image pull policy 'always' (--image-pull-policy, spec.imagePullPolicy): use"
                + " Always, IfNotPresent or Never");
    assertUsageError(TestSpecs.shop().nodeSelector(Map.of("disk type", "ssd")).build())
        .hasMessageStartingWith("invalid node selector disk type=ssd");
  }

  @Test
  @DisplayName("refuses a resource quantity Kubernetes would not accept")
  void refusesInvalidQuantity() {
    // Given
    MigrationSpec spec =
        TestSpecs.shop()
            .resources(
                new ResourceRequirementsBuilder()
                    .addToLimits("memory", new Quantity("lots"))
                    .addToRequests("cpu", new Quantity("500m"))
                    .build())
            .build();

    // When / Then
    assertUsageError(spec)
        .hasMessageStartingWith("invalid resource quantity limits.memory 'lots' (--cpu, --memory");
  }

  @Test
  @DisplayName("a null item in a list is an input error, not a NullPointerException")
  void refusesNullItems() {
    // Given
    List<String> args = new ArrayList<>();
    args.add(null);

    // When / Then
    assertThatThrownBy(() -> TestSpecs.shop().args(args).build())
        .isInstanceOf(KubemigrateException.class)
        .hasMessage("args has an empty item");
  }

  @Test
  @DisplayName("validation problems are each one line")
  void messagesAreOneLine() {
    // Given
    List<UnaryOperator<MigrationSpec.Builder>> breakages =
        List.of(
            b -> b.app("X"),
            b -> b.image("a b"),
            b -> b.version("a b"),
            b -> b.retries(99),
            b -> b.env(List.of(new EnvVar("1", "", null))));

    // When / Then
    for (UnaryOperator<MigrationSpec.Builder> breakage : breakages) {
      assertUsageError(breakage.apply(TestSpecs.shop()).build()).message().doesNotContain("\n");
    }
  }

  private static org.assertj.core.api.AbstractThrowableAssert<?, ? extends Throwable>
      assertUsageError(MigrationSpec spec) {
    return assertThatThrownBy(spec::validate)
        .isInstanceOf(KubemigrateException.class)
        .satisfies(
            e -> assertThat(((KubemigrateException) e).exitCode()).isEqualTo(ExitCode.USAGE));
  }
}
