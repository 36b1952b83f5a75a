package dev.kubemigrate.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The rollback guard's decision and the floor a successful phase leaves: pure. */
class RollbackGuardTest {

  private static final Optional<SchemaFloor> FLOOR =
      Optional.of(
          new SchemaFloor(
              "shop", "2.0.0", Phase.POST, "2.0.0", Instant.parse("2026-12-01T16:40:00Z")));

  @ParameterizedTest(name = "{0} {1}: {2}")
  @CsvSource({
    "PRE, 1.0.0, SchemaContracted",
    "PRE, 1.9.9, SchemaContracted",
    "PRE, 2.0.0-rc.1, SchemaContracted",
    "POST, 1.5.0, SchemaContracted",
    "PRE, latest, VersionUnordered",
    "PRE, main-3f2a, VersionUnordered",
    "PRE, 2.0.0, ",
    "PRE, 2.0.1, ",
    "PRE, v3, ",
    "DOWN, 1.0.0, ",
    "DOWN, latest, ",
  })
  @DisplayName(
      "older or unorderable versions are refused on a contracted schema; down is the way out")
  void guard(Phase phase, String version, String reason) {
    Optional<Decisions.Refusal> refused = Decisions.guard(FLOOR, phase, version);
    assertThat(refused.map(r -> r.reason().label()).orElse(null)).isEqualTo(reason);
  }

  @Test
  @DisplayName("no floor, no refusal, whatever the version")
  void noFloor() {
    assertThat(Decisions.guard(Optional.empty(), Phase.PRE, "latest")).isEmpty();
  }

  @Test
  @DisplayName("the refusal says which contract made the version unsafe, when, and what to do")
  void says() {
    assertThat(Decisions.guard(FLOOR, Phase.PRE, "1.0.0").orElseThrow().message())
        .isEqualTo(
            "1.0.0 is older than 2.0.0, the oldest version the schema of shop serves since the post"
                + " phase (contract) of 2.0.0 at 2026-12-01T16:40:00Z: roll forward to 2.0.0 or"
                + " later, or run a down migration that restores what 1.0.0 needs and records it"
                + " (kubemigrate run --phase down --version 2.0.0 --compatible-from 1.0.0 ...)");
  }

  private static MigrationSpec.Builder spec(Phase phase, String version) {
    return MigrationSpec.builder().app("shop").image("flyway:11").version(version).phase(phase);
  }

  @Test
  @DisplayName(
      "a post phase raises the floor to --compatible-from (default its version); down sets it")
  void floorAfter() {
    assertThat(Decisions.floorAfter(spec(Phase.PRE, "2.0.0").build())).isEmpty();
    assertThat(Decisions.floorAfter(spec(Phase.POST, "2.0.0").build())).contains("2.0.0");
    assertThat(Decisions.floorAfter(spec(Phase.POST, "2.0.0").compatibleFrom("1.5.0").build()))
        .contains("1.5.0");
    assertThat(Decisions.floorAfter(spec(Phase.POST, "main-3f2a").build())).isEmpty();
    assertThat(Decisions.floorAfter(spec(Phase.DOWN, "2.0.0").compatibleFrom("1.0.0").build()))
        .contains("1.0.0");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "--after on pre | PRE | 1.0.0 | deployment/shop | | --after and --after-selector (spec.after, spec.afterSelector) are for the post phase",
        "a bad workload | POST | 1.0.0 | pod/shop | | invalid workload 'pod/shop' (--after, spec.after): use deployment/NAME or statefulset/NAME",
        "down without floor | DOWN | 2.0.0 | | | --phase down needs --compatible-from VERSION",
        "pre with floor | PRE | 2.0.0 | | 1.0.0 | --compatible-from (spec.compatibleFrom) is for the post and down phases",
        "newer floor | POST | 2.0.0 | | 3.0.0 | invalid --compatible-from 3.0.0 (spec.compatibleFrom): it is newer than the version 2.0.0",
        "unorderable floor | POST | 2.0.0 | | latest | invalid --compatible-from 'latest' (spec.compatibleFrom): use a semantic version",
      })
  @DisplayName("the phases' fields are checked, and each message names the flag and field")
  void validates(String name, Phase phase, String version, String after, String from, String says) {
    MigrationSpec.Builder b = spec(phase, version).compatibleFrom(from);
    if (after != null) {
      b.addAfter(after);
    }
    assertThatThrownBy(() -> b.build().validate()).hasMessageStartingWith(says);
  }

  @Test
  @DisplayName("workloads are taken by kubectl's names for them, and normalised")
  void workloads() {
    assertThat(MigrationSpec.validateWorkload("deploy/shop")).isEqualTo("deployment/shop");
    assertThat(MigrationSpec.validateWorkload("Deployments/shop")).isEqualTo("deployment/shop");
    assertThat(MigrationSpec.validateWorkload("sts/db")).isEqualTo("statefulset/db");
    assertThat(
            spec(Phase.POST, "1.0.0")
                .addAfter("deployment/shop")
                .afterSelector("app=shop")
                .build()
                .validate()
                .waitsForRollout())
        .isTrue();
  }
}
