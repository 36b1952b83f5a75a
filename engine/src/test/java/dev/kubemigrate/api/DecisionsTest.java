package dev.kubemigrate.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubemigrate.api.Decisions.Action;
import dev.kubemigrate.api.Decisions.Ask;
import dev.kubemigrate.api.Decisions.OtherRun;
import dev.kubemigrate.api.Decisions.Plan;
import java.time.Instant;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every row of the decision that `run`, `exec` and the operator share, one readable sentence each.
 */
class DecisionsTest {

  private static final Instant AT = Instant.parse("2026-01-01T10:00:00Z");
  private static final String HASH = "hash-of-this-spec";
  private static final String OTHER_HASH = "hash-of-another-spec";
  private static final String IMAGE = "registry.example/app-migrations:1.4.0";
  private static final String JOB = "app-pre-1-4-0-a1";
  private static final String POD_RUN = "pod/replica-a";
  private static final String UID = "5f0c1e2a-job-uid";

  // ---- decide ---------------------------------------------------------------------------------

  /** One row of the decision table: a sentence, the record as it stands, the ask, the answer. */
  record Row(String sentence, Optional<RunRecord> current, Ask ask, Action expected) {
    @Override
    public String toString() {
      return sentence + " → " + expected;
    }
  }

  static Stream<Row> decisionTable() {
    return Stream.of(
        // No record yet.
        new Row("no record", Optional.empty(), run(), Action.CLAIM),
        new Row("no record, asked by exec", Optional.empty(), exec(), Action.CLAIM),
        new Row("no record, even with --retry", Optional.empty(), runRetry(), Action.CLAIM),

        // Succeeded.
        new Row(
            "a Succeeded record with the same spec",
            of(succeeded()),
            run(),
            Action.ALREADY_SUCCEEDED),
        new Row(
            "a Succeeded record, even with --retry",
            of(succeeded()),
            runRetry(),
            Action.ALREADY_SUCCEEDED),
        new Row(
            "a Succeeded record, even with a higher wanted attempt",
            of(succeeded()),
            runWanting(5),
            Action.ALREADY_SUCCEEDED),

        // Failed: a new attempt only when one is asked for.
        new Row(
            "a Failed record (attempt 1), no --retry, attempt 1 wanted",
            of(failed(1)),
            run(),
            Action.ALREADY_FAILED),
        new Row(
            "a Failed record (attempt 3), no --retry, attempt 1 wanted (attempt above wanted)",
            of(failed(3)),
            run(),
            Action.ALREADY_FAILED),
        new Row(
            "a Failed record (attempt 2), no --retry, attempt 2 wanted (attempt equal to wanted)",
            of(failed(2)),
            runWanting(2),
            Action.ALREADY_FAILED),
        new Row(
            "a Failed record (attempt 1), attempt 0 wanted (counted as 1)",
            of(failed(1)),
            runWanting(0),
            Action.ALREADY_FAILED),
        new Row("a Failed record with --retry", of(failed(1)), runRetry(), Action.RETRY),
        new Row(
            "a Failed record (attempt 3) with --retry, attempt 1 wanted (--retry wins)",
            of(failed(3)),
            runRetry(),
            Action.RETRY),
        new Row(
            "a Failed record (attempt 1), attempt 2 wanted (a raised spec.attempt)",
            of(failed(1)),
            runWanting(2),
            Action.RETRY),
        new Row(
            "a Failed record (attempt 2), attempt 5 wanted",
            of(failed(2)),
            runWanting(5),
            Action.RETRY),

        // Another spec for the same version: a conflict, whatever the state.
        new Row(
            "a Pending record with another spec hash",
            of(pending().withHash(OTHER_HASH)),
            run(),
            Action.CONFLICT),
        new Row(
            "a Running record with another spec hash",
            of(running().withHash(OTHER_HASH)),
            run(),
            Action.CONFLICT),
        new Row(
            "a Succeeded record with another spec hash",
            of(succeeded().withHash(OTHER_HASH)),
            run(),
            Action.CONFLICT),
        new Row(
            "a Failed record with another spec hash",
            of(failed(1).withHash(OTHER_HASH)),
            run(),
            Action.CONFLICT),
        new Row(
            "a Failed record with another spec hash, even with --retry",
            of(failed(1).withHash(OTHER_HASH)),
            runRetry(),
            Action.CONFLICT),
        new Row(
            "a Running pod run with another spec hash",
            of(runningInPod().withHash(OTHER_HASH)),
            run(),
            Action.CONFLICT),

        // Active: follow its Job, or start the Job its claimer did not.
        new Row("a Running record with a Job uid", of(running()), run(), Action.ATTACH),
        new Row(
            "a Pending record with a Job uid", of(pending().withUid(UID)), run(), Action.ATTACH),
        new Row("a Pending record without a Job uid", of(pending()), run(), Action.START_CLAIMED),
        new Row(
            "a Running record without a Job uid",
            of(running().withUid(null)),
            run(),
            Action.START_CLAIMED),

        // Active in a pod (exec): its pod is gone once the lock is free.
        new Row(
            "a Running record in a pod (pod/replica-a)",
            of(runningInPod()),
            run(),
            Action.RECORD_INTERRUPTED),
        new Row(
            "a Pending record in a pod (pod/replica-a)",
            of(runningInPod().withState(RunState.PENDING)),
            run(),
            Action.RECORD_INTERRUPTED),
        new Row(
            "a Running record in a pod, met by exec with its own command's hash",
            of(runningInPod().withImage(null)),
            exec(),
            Action.RECORD_INTERRUPTED),
        new Row(
            "a Running record in a pod that also has a Job uid (the pod wins)",
            of(runningInPod().withUid(UID)),
            run(),
            Action.RECORD_INTERRUPTED),

        // exec meeting a record written by run (it has an image): its state decides.
        new Row(
            "exec meets a Succeeded run record with another hash",
            of(succeeded().withHash(OTHER_HASH)),
            exec(),
            Action.ALREADY_SUCCEEDED),
        new Row(
            "exec meets a Failed run record with another hash",
            of(failed(1).withHash(OTHER_HASH)),
            exec(),
            Action.ALREADY_FAILED),
        new Row(
            "exec meets a Running run record (Job uid) with another hash",
            of(running().withHash(OTHER_HASH)),
            exec(),
            Action.ATTACH),
        new Row(
            "exec meets a Pending run record (no Job uid) with another hash",
            of(pending().withHash(OTHER_HASH)),
            exec(),
            Action.START_CLAIMED),

        // exec meeting a record written by exec (no image): another hash is a conflict.
        new Row(
            "exec meets a Succeeded exec record with another hash",
            of(succeeded().withImage(null).withHash(OTHER_HASH)),
            exec(),
            Action.CONFLICT),
        new Row(
            "exec meets a Failed exec record with another hash",
            of(failed(1).withImage(null).withHash(OTHER_HASH)),
            exec(),
            Action.CONFLICT),
        new Row(
            "exec meets a Running exec record in a pod with another hash",
            of(runningInPod().withImage(null).withHash(OTHER_HASH)),
            exec(),
            Action.CONFLICT),
        new Row(
            "exec meets a Succeeded exec record with the same hash",
            of(succeeded().withImage(null)),
            exec(),
            Action.ALREADY_SUCCEEDED),

        // run meeting a record written by exec (no image) with another hash: a conflict.
        new Row(
            "run meets a Succeeded exec record with another hash",
            of(succeeded().withImage(null).withHash(OTHER_HASH)),
            run(),
            Action.CONFLICT),

        // A record without a spec hash (written before hashes) is never a conflict.
        new Row(
            "a Pending record without a spec hash",
            of(pending().withHash(null)),
            run(),
            Action.START_CLAIMED),
        new Row(
            "a Running record without a spec hash",
            of(running().withHash(null)),
            run(),
            Action.ATTACH),
        new Row(
            "a Succeeded record without a spec hash",
            of(succeeded().withHash(null)),
            run(),
            Action.ALREADY_SUCCEEDED),
        new Row(
            "a Failed record without a spec hash",
            of(failed(1).withHash(null)),
            run(),
            Action.ALREADY_FAILED),
        new Row(
            "a Failed record without a spec hash, with --retry",
            of(failed(1).withHash(null)),
            runRetry(),
            Action.RETRY),
        new Row(
            "a Running pod run without a spec hash",
            of(runningInPod().withHash(null)),
            run(),
            Action.RECORD_INTERRUPTED),
        new Row(
            "exec meets a Succeeded exec record without a spec hash",
            of(succeeded().withImage(null).withHash(null)),
            exec(),
            Action.ALREADY_SUCCEEDED),
        new Row(
            "exec meets a Running exec record in a pod without a spec hash",
            of(runningInPod().withImage(null).withHash(null)),
            exec(),
            Action.RECORD_INTERRUPTED));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("decisionTable")
  @DisplayName("decide:")
  void decides(Row row) {
    // When
    Plan plan = Decisions.decide(row.current(), row.ask());

    // Then
    assertThat(plan.action()).as(row.sentence()).isEqualTo(row.expected());
    assertThat(plan.record())
        .as("the plan is made on the record as it stands")
        .isEqualTo(row.current().orElse(null));
  }

  @Test
  @DisplayName("the decision table has a row for every action")
  void tableCoversEveryAction() {
    assertThat(decisionTable().map(Row::expected).distinct())
        .containsExactlyInAnyOrder(Action.values());
  }

  @Test
  @DisplayName("an Ask counts a wanted attempt below 1 as 1")
  void askClampsWantedAttempt() {
    assertThat(new Ask(HASH, false, 0, false).wantedAttempt()).isEqualTo(1);
    assertThat(new Ask(HASH, false, -3, false).wantedAttempt()).isEqualTo(1);
    assertThat(new Ask(HASH, false, 4, false).wantedAttempt()).isEqualTo(4);
  }

  @Test
  @DisplayName("a record built with claim, withJobUid, finished and retried decides as it reads")
  void recordsBuiltByTheirOwnStepsDecide() {
    // Given a run's record through its life
    RunRecord claimed =
        RunRecord.claim("app", Phase.PRE, "1.4.0", RunState.PENDING, IMAGE, HASH, JOB, AT, "ci");
    RunRecord started = claimed.withJobUid(UID);
    RunRecord failed = started.finished(RunState.FAILED, AT, Reason.ERROR, "boom", 1, "log");
    RunRecord retried = failed.retried(JOB + "-2", AT, "ci");
    RunRecord succeeded =
        retried
            .withJobUid(UID + "-2")
            .finished(RunState.SUCCEEDED, AT, Reason.COMPLETED, null, 0, "");

    // Then
    assertThat(Decisions.decide(of(claimed), run()).action()).isEqualTo(Action.START_CLAIMED);
    assertThat(Decisions.decide(of(started), run()).action()).isEqualTo(Action.ATTACH);
    assertThat(Decisions.decide(of(failed), run()).action()).isEqualTo(Action.ALREADY_FAILED);
    assertThat(Decisions.decide(of(failed), runRetry()).action()).isEqualTo(Action.RETRY);
    assertThat(Decisions.decide(of(retried), run()).action()).isEqualTo(Action.START_CLAIMED);
    assertThat(Decisions.decide(of(retried), runWanting(2)).action())
        .isEqualTo(Action.START_CLAIMED);
    assertThat(Decisions.decide(of(succeeded), run()).action()).isEqualTo(Action.ALREADY_SUCCEEDED);
  }

  // ---- needsLock ------------------------------------------------------------------------------

  private static final Map<Action, Boolean> NEEDS_LOCK = needsLockTable();

  private static Map<Action, Boolean> needsLockTable() {
    Map<Action, Boolean> table = new EnumMap<>(Action.class);
    table.put(Action.CLAIM, true);
    table.put(Action.RETRY, true);
    table.put(Action.START_CLAIMED, true);
    table.put(Action.RECORD_INTERRUPTED, true);
    table.put(Action.ALREADY_SUCCEEDED, false);
    table.put(Action.ALREADY_FAILED, false);
    table.put(Action.CONFLICT, false);
    table.put(Action.ATTACH, false);
    return table;
  }

  @ParameterizedTest(name = "{0} needs the app''s lock: see the table")
  @EnumSource(Action.class)
  @DisplayName("needsLock:")
  void needsLock(Action action) {
    assertThat(NEEDS_LOCK)
        .as("add %s to the needsLock table of this test", action)
        .containsKey(action);
    assertThat(action.needsLock()).as("%s.needsLock()", action).isEqualTo(NEEDS_LOCK.get(action));
  }

  // ---- sameAs ---------------------------------------------------------------------------------

  /** Two plans, and whether a caller holding the lock may carry out the first after the second. */
  record Same(String sentence, Plan first, Plan second, boolean expected) {
    @Override
    public String toString() {
      return sentence + " → " + (expected ? "the same decision" : "not the same decision");
    }
  }

  static Stream<Same> sameAsTable() {
    Fixture pending = pending();
    Fixture running = running();
    return Stream.of(
        new Same(
            "two claims (no record)",
            new Plan(Action.CLAIM, null),
            new Plan(Action.CLAIM, null),
            true),
        new Same(
            "the same action on the same record",
            new Plan(Action.START_CLAIMED, pending.build()),
            new Plan(Action.START_CLAIMED, pending.build()),
            true),
        new Same(
            "the same action, attempt and state, both with a Job uid (another one)",
            new Plan(Action.ATTACH, running.build()),
            new Plan(Action.ATTACH, running.withUid("another-uid").build()),
            true),
        new Same(
            "the same action, attempt, state and uid presence; other message and log",
            new Plan(Action.ALREADY_FAILED, failed(1).build()),
            new Plan(
                Action.ALREADY_FAILED,
                failed(1).finished(RunState.FAILED, AT, Reason.OOM_KILLED, "oom", 137, "x")),
            true),
        new Same(
            "another action on the same record",
            new Plan(Action.ALREADY_FAILED, failed(1).build()),
            new Plan(Action.RETRY, failed(1).build()),
            false),
        new Same(
            "a claim, then a record that another caller claimed",
            Decisions.decide(Optional.empty(), run()),
            Decisions.decide(of(pending), run()),
            false),
        new Same(
            "a claim and the same action on a record",
            new Plan(Action.CLAIM, null),
            new Plan(Action.CLAIM, pending.build()),
            false),
        new Same(
            "another attempt",
            new Plan(Action.START_CLAIMED, pending.build()),
            new Plan(Action.START_CLAIMED, pending.withAttempt(2).build()),
            false),
        new Same(
            "another state",
            new Plan(Action.START_CLAIMED, pending.build()),
            new Plan(Action.START_CLAIMED, pending.withState(RunState.RUNNING).build()),
            false),
        new Same(
            "a Job uid appearing",
            new Plan(Action.START_CLAIMED, pending.build()),
            new Plan(Action.START_CLAIMED, pending.withUid(UID).build()),
            false),
        new Same(
            "a Job uid disappearing",
            new Plan(Action.ATTACH, running.build()),
            new Plan(Action.ATTACH, running.withUid(null).build()),
            false),
        new Same(
            "a retry, then the record another caller retried",
            Decisions.decide(of(failed(1)), runRetry()),
            Decisions.decide(of(failed(1).retried(JOB + "-2", AT, "other")), runRetry()),
            false));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("sameAsTable")
  @DisplayName("sameAs:")
  void sameAs(Same row) {
    assertThat(row.first().sameAs(row.second())).as(row.sentence()).isEqualTo(row.expected());
    assertThat(row.second().sameAs(row.first()))
        .as("%s (the other way round)", row.sentence())
        .isEqualTo(row.expected());
  }

  // ---- settle ---------------------------------------------------------------------------------

  record Settle(String sentence, RunRecord other, OtherRun expected) {
    @Override
    public String toString() {
      return sentence + " → " + expected;
    }
  }

  static Stream<Settle> settleTable() {
    return Stream.of(
        new Settle(
            "another version Running in a pod",
            runningInPod().build(),
            OtherRun.RECORD_INTERRUPTED),
        new Settle(
            "another version Pending in a pod",
            runningInPod().withState(RunState.PENDING).build(),
            OtherRun.RECORD_INTERRUPTED),
        new Settle(
            "another version in a pod that also has a Job uid",
            runningInPod().withUid(UID).build(),
            OtherRun.RECORD_INTERRUPTED),
        new Settle(
            "another version claimed, without a Job uid",
            pending().build(),
            OtherRun.RECORD_ABANDONED),
        new Settle(
            "another version Running, without a Job uid",
            running().withUid(null).build(),
            OtherRun.RECORD_ABANDONED),
        new Settle("another version Running with a Job uid", running().build(), OtherRun.WAIT),
        new Settle(
            "another version Pending with a Job uid",
            pending().withUid(UID).build(),
            OtherRun.WAIT));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("settleTable")
  @DisplayName("settle:")
  void settles(Settle row) {
    assertThat(Decisions.settle(row.other())).as(row.sentence()).isEqualTo(row.expected());
  }

  @Test
  @DisplayName("the settle table has a row for every outcome")
  void settleTableCoversEveryOutcome() {
    assertThat(settleTable().map(Settle::expected).distinct())
        .containsExactlyInAnyOrder(OtherRun.values());
    assertThat(Arrays.asList(OtherRun.values())).hasSize(3);
  }

  // ---- fixtures -------------------------------------------------------------------------------

  private static Ask run() {
    return new Ask(HASH, false, 1, false);
  }

  private static Ask runRetry() {
    return new Ask(HASH, true, 1, false);
  }

  private static Ask runWanting(int attempt) {
    return new Ask(HASH, false, attempt, false);
  }

  private static Ask exec() {
    return new Ask(HASH, false, 1, true);
  }

  private static Optional<RunRecord> of(RunRecord r) {
    return Optional.of(r);
  }

  private static Optional<RunRecord> of(Fixture f) {
    return Optional.of(f.build());
  }

  /** A record written by `run` (it has an image), built with the canonical constructor. */
  private static Fixture record(RunState state, String jobName, String jobUid, int attempt) {
    return new Fixture(
        new RunRecord(
            "app",
            Phase.PRE,
            "1.4.0",
            state,
            IMAGE,
            HASH,
            jobName,
            jobUid,
            attempt,
            AT,
            state.isActive() ? null : AT,
            state == RunState.FAILED
                ? Reason.ERROR
                : state == RunState.SUCCEEDED ? Reason.COMPLETED : null,
            null,
            state.isActive() ? null : state == RunState.SUCCEEDED ? 0 : 1,
            "ci",
            null,
            null,
            null,
            null));
  }

  private static Fixture pending() {
    return record(RunState.PENDING, JOB, null, 1);
  }

  private static Fixture running() {
    return record(RunState.RUNNING, JOB, UID, 1);
  }

  private static Fixture runningInPod() {
    return record(RunState.RUNNING, POD_RUN, null, 1);
  }

  private static Fixture succeeded() {
    return record(RunState.SUCCEEDED, JOB, UID, 1);
  }

  private static Fixture failed(int attempt) {
    return record(RunState.FAILED, JOB, UID, attempt);
  }

  /**
   * A RunRecord being built: each {@code with…} changes one field through the canonical
   * constructor, so that no other field moves with it (unlike {@link RunRecord#withJobUid}).
   */
  private static final class Fixture {
    private final RunRecord r;

    Fixture(RunRecord r) {
      this.r = r;
    }

    RunRecord build() {
      return r;
    }

    Fixture withHash(String specHash) {
      return copy(r.state(), r.image(), specHash, r.jobUid(), r.attempt());
    }

    Fixture withImage(String image) {
      return copy(r.state(), image, r.specHash(), r.jobUid(), r.attempt());
    }

    Fixture withUid(String jobUid) {
      return copy(r.state(), r.image(), r.specHash(), jobUid, r.attempt());
    }

    Fixture withState(RunState state) {
      return copy(state, r.image(), r.specHash(), r.jobUid(), r.attempt());
    }

    Fixture withAttempt(int attempt) {
      return copy(r.state(), r.image(), r.specHash(), r.jobUid(), attempt);
    }

    RunRecord finished(
        RunState state, Instant at, Reason reason, String msg, int code, String log) {
      return r.finished(state, at, reason, msg, code, log);
    }

    RunRecord retried(String jobName, Instant at, String by) {
      return r.retried(jobName, at, by);
    }

    private Fixture copy(
        RunState state, String image, String specHash, String jobUid, int attempt) {
      return new Fixture(
          new RunRecord(
              r.app(),
              r.phase(),
              r.version(),
              state,
              image,
              specHash,
              r.jobName(),
              jobUid,
              attempt,
              r.startedAt(),
              r.finishedAt(),
              r.reason(),
              r.message(),
              r.exitCode(),
              r.startedBy(),
              r.logTail(),
              null,
              null,
              null));
    }
  }
}
