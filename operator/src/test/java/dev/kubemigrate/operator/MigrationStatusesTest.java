package dev.kubemigrate.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubemigrate.api.Phase;
import dev.kubemigrate.api.Reason;
import dev.kubemigrate.api.RunRecord;
import dev.kubemigrate.api.RunState;
import dev.kubemigrate.migration.Migration;
import dev.kubemigrate.migration.MigrationStatus;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.time.Instant;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class MigrationStatusesTest {

  private static final Instant T0 = Instant.parse("2026-11-24T10:00:00Z");
  private static final Instant T1 = Instant.parse("2026-11-24T10:00:05Z");

  @Test
  @DisplayName("Before the run is claimed: Pending, Reconciling, not Ready")
  void pendingBeforeTheClaim() {
    // Given a new Migration
    Migration m = migration(1L);

    // When there is no record yet
    MigrationStatus s = MigrationStatuses.of(m, "1", null, "starting", T0);

    // Then kstatus sees it in progress
    assertThat(s.phase()).isEqualTo("Pending");
    assertThat(s.observedGeneration()).isEqualTo(1L);
    assertThat(condition(s, "Ready").getStatus()).isEqualTo("False");
    assertThat(condition(s, "Reconciling").getStatus()).isEqualTo("True");
    assertThat(condition(s, "Stalled").getStatus()).isEqualTo("False");
  }

  @Test
  @DisplayName("A running record: Running with its Job, Reconciling")
  void running() {
    MigrationStatus s =
        MigrationStatuses.of(migration(1L), "1", record(RunState.RUNNING, 1, null), null, T0);

    assertThat(s.phase()).isEqualTo("Running");
    assertThat(s.jobName()).isEqualTo("shop-pre-1");
    assertThat(s.message()).contains("attempt 1 running in Job shop-pre-1");
    assertThat(condition(s, "Reconciling").getStatus()).isEqualTo("True");
    assertThat(condition(s, "Ready").getStatus()).isEqualTo("False");
  }

  @Test
  @DisplayName("A succeeded record: Ready, neither Reconciling nor Stalled, with the log tail")
  void succeeded() {
    MigrationStatus s =
        MigrationStatuses.of(migration(2L), "1", record(RunState.SUCCEEDED, 1, null), null, T1);

    assertThat(s.phase()).isEqualTo("Succeeded");
    assertThat(s.observedGeneration()).isEqualTo(2L);
    assertThat(s.exitCode()).isZero();
    assertThat(s.logTail()).isEqualTo("applied 3 migrations");
    assertThat(s.record()).isEqualTo("kubemigrate-shop-pre-1");
    assertThat(condition(s, "Ready").getStatus()).isEqualTo("True");
    assertThat(condition(s, "Reconciling").getStatus()).isEqualTo("False");
    assertThat(condition(s, "Stalled").getStatus()).isEqualTo("False");
  }

  @Test
  @DisplayName("A failed record: Stalled with the reason, and how to run it again")
  void failedIsStalled() {
    MigrationStatus s =
        MigrationStatuses.of(
            migration(1L), "1", record(RunState.FAILED, 1, "BackoffLimitExceeded"), null, T1);

    assertThat(s.phase()).isEqualTo("Failed");
    assertThat(s.reason()).isEqualTo("BackoffLimitExceeded");
    Condition stalled = condition(s, "Stalled");
    assertThat(stalled.getStatus()).isEqualTo("True");
    assertThat(stalled.getReason()).isEqualTo("BackoffLimitExceeded");
    assertThat(stalled.getMessage())
        .contains("exited with code 3")
        .contains("raise spec.attempt to 2");
    assertThat(condition(s, "Ready").getStatus()).isEqualTo("False");
    assertThat(condition(s, "Reconciling").getStatus()).isEqualTo("False");
  }

  @Test
  @DisplayName("A failed record with a new attempt on its way: Reconciling, not Stalled")
  void failedButRetrying() {
    MigrationStatus s =
        MigrationStatuses.of(
            migration(2L),
            "1",
            record(RunState.FAILED, 1, "BackoffLimitExceeded"),
            "starting attempt 2",
            T1);

    assertThat(s.phase()).isEqualTo("Running");
    assertThat(s.reason()).isEqualTo("Retrying");
    assertThat(condition(s, "Stalled").getStatus()).isEqualTo("False");
    assertThat(condition(s, "Reconciling").getStatus()).isEqualTo("True");
  }

  @Test
  @DisplayName("An invalid spec or a conflict is Stalled at once")
  void invalidAndConflict() {
    MigrationStatus invalid =
        MigrationStatuses.invalidSpec(migration(1L), "invalid spec.timeout '5x'", T0);
    MigrationStatus conflict =
        MigrationStatuses.conflict(
            migration(1L), record(RunState.SUCCEEDED, 1, null), "already run", T0);

    assertThat(invalid.reason()).isEqualTo("InvalidSpec");
    assertThat(condition(invalid, "Stalled").getMessage()).contains("spec.timeout");
    assertThat(conflict.reason()).isEqualTo("SpecConflict");
    assertThat(condition(conflict, "Stalled").getStatus()).isEqualTo("True");
  }

  @Test
  @DisplayName("A condition keeps its transition time while its status holds")
  void transitionTimesMoveOnlyOnChange() {
    // Given a Migration whose status says Running since T0
    Migration m = migration(1L);
    m.setStatus(MigrationStatuses.of(m, "1", record(RunState.RUNNING, 1, null), null, T0));

    // When it succeeds at T1
    MigrationStatus s = MigrationStatuses.of(m, "1", record(RunState.SUCCEEDED, 1, null), null, T1);

    // Then Ready moved at T1; Stalled, False all along, still says T0
    assertThat(condition(s, "Ready").getLastTransitionTime()).isEqualTo(T1.toString());
    assertThat(condition(s, "Stalled").getLastTransitionTime()).isEqualTo(T0.toString());
  }

  @Test
  @DisplayName("Two statuses that differ only in transition times are the same")
  void sameIgnoresTimes() {
    Migration m = migration(1L);
    MigrationStatus a = MigrationStatuses.of(m, "1", record(RunState.RUNNING, 1, null), null, T0);
    MigrationStatus b = MigrationStatuses.of(m, "1", record(RunState.RUNNING, 1, null), null, T1);
    MigrationStatus c = MigrationStatuses.of(m, "1", record(RunState.SUCCEEDED, 1, null), null, T1);

    assertThat(MigrationStatuses.same(a, b)).isTrue();
    assertThat(MigrationStatuses.same(a, c)).isFalse();
    assertThat(MigrationStatuses.same(null, a)).isFalse();
  }

  @Test
  @DisplayName("No condition has an empty message: the API server refuses what the client sends")
  void noEmptyMessages() {
    MigrationStatus s =
        MigrationStatuses.of(migration(1L), "1", record(RunState.SUCCEEDED, 1, null), null, T1);

    assertThat(s.conditions()).allSatisfy(c -> assertThat(c.getMessage()).isNotEqualTo(""));
  }

  private static Migration migration(long generation) {
    Migration m = new Migration();
    m.setMetadata(
        new ObjectMetaBuilder()
            .withName("shop")
            .withNamespace("shop")
            .withGeneration(generation)
            .build());
    return m;
  }

  private static RunRecord record(RunState state, int attempt, String reason) {
    boolean done = !state.isActive();
    boolean failed = state == RunState.FAILED;
    return new RunRecord(
        "shop",
        Phase.PRE,
        "1",
        state,
        "flyway:1",
        "abc",
        "shop-pre-" + attempt,
        "uid",
        attempt,
        T0,
        done ? T1 : null,
        reason == null ? null : Reason.of(reason),
        failed ? "the migration exited with code 3" : null,
        done ? (failed ? 3 : 0) : null,
        "operator",
        done ? "applied 3 migrations" : null,
        null,
        null,
        null);
  }

  private static Condition condition(MigrationStatus s, String type) {
    return java.util.Objects.requireNonNull(s.condition(type), type);
  }
}
