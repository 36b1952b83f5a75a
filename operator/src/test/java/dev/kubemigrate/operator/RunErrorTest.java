package dev.kubemigrate.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubemigrate.api.ExitCode;
import dev.kubemigrate.api.MigrationSpec;
import dev.kubemigrate.api.Reason;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class RunErrorTest {

  private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");

  private static MigrationSpec spec(String version) {
    return MigrationSpec.builder()
        .app("shop")
        .version(version)
        .image("flyway:1")
        .startupGrace(Duration.ofMinutes(2))
        .build()
        .validate();
  }

  private static Runs.RunError preflight(Instant at, MigrationSpec spec) {
    return new Runs.RunError(
        ExitCode.COULD_NOT_START, Reason.PREFLIGHT_FAILED, "secret db does not exist", at, spec);
  }

  @Test
  @DisplayName(
      "a pre-flight refusal is retried (Reconciling) until it has lasted the startup grace, then"
          + " stalls; a new spec starts the count again")
  void preflightStallsAfterTheGrace() {
    MigrationSpec spec = spec("1");
    Runs.RunError first = preflight(T0, spec);
    assertThat(first.terminal()).isFalse();
    Runs.RunError later = preflight(T0.plusSeconds(60), spec).after(first);
    assertThat(later.since()).isEqualTo(T0);
    assertThat(later.terminal()).isFalse();
    Runs.RunError pastGrace = preflight(T0.plusSeconds(121), spec).after(later);
    assertThat(pastGrace.terminal()).isTrue();
    Runs.RunError newSpec = preflight(T0.plusSeconds(130), spec("2")).after(pastGrace);
    assertThat(newSpec.since()).isEqualTo(T0.plusSeconds(130));
    assertThat(newSpec.terminal()).isFalse();
  }

  @Test
  @DisplayName("a usage error or a conflict is terminal at once; an API error never is")
  void otherErrors() {
    MigrationSpec spec = spec("1");
    assertThat(new Runs.RunError(ExitCode.USAGE, Reason.INVALID_SPEC, "m", T0, spec).terminal())
        .isTrue();
    assertThat(new Runs.RunError(ExitCode.CONFLICT, Reason.SPEC_CONFLICT, "m", T0, spec).terminal())
        .isTrue();
    Runs.RunError api = new Runs.RunError(ExitCode.KUBERNETES_API, Reason.FORBIDDEN, "m", T0, spec);
    assertThat(
            new Runs.RunError(
                    ExitCode.KUBERNETES_API, Reason.FORBIDDEN, "m", T0.plusSeconds(900), spec)
                .after(api)
                .terminal())
        .isFalse();
  }
}
