package dev.kubemigrate.operator;

import dev.kubemigrate.api.Reason;
import dev.kubemigrate.api.RunRecord;
import dev.kubemigrate.engine.Kubemigrate;
import dev.kubemigrate.migration.Migration;
import dev.kubemigrate.migration.MigrationStatus;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The status of a {@code Migration}, computed from its run's record: pure, no I/O.
 *
 * <p>The conditions follow kstatus, which Argo CD, Flux and {@code kubectl wait} understand: {@code
 * Ready} is True once the migration succeeded; {@code Reconciling} is True while it is pending or
 * running; {@code Stalled} is True when it failed and will not be retried until the spec changes.
 */
final class MigrationStatuses {

  static final String READY = "Ready";
  static final String RECONCILING = "Reconciling";
  static final String STALLED = "Stalled";

  static final String PENDING = "Pending";
  static final String RUNNING = "Running";
  static final String SUCCEEDED = "Succeeded";
  static final String FAILED = "Failed";

  private MigrationStatuses() {}

  /** The run stopped for {@code reason} before it had a record (a conflict the engine found). */
  static MigrationStatus stopped(Migration m, Reason reason, String message, Instant now) {
    return stalled(m, null, reason.label(), message, now);
  }

  /** The spec cannot be run as written: Stalled until it changes. */
  static MigrationStatus invalidSpec(Migration m, String message, Instant now) {
    return stalled(m, null, Reason.INVALID_SPEC.label(), message, now);
  }

  /** This version was already run with another spec (exit 6 for `run`): Stalled. */
  static MigrationStatus conflict(Migration m, RunRecord r, String message, Instant now) {
    return stalled(m, r, Reason.SPEC_CONFLICT.label(), message, now);
  }

  /**
   * The status that the record says.
   *
   * @param r the run's record, or null before it was claimed
   * @param note what the operator is doing when the record does not say it (queued, retrying)
   */
  static MigrationStatus of(Migration m, String version, RunRecord r, String note, Instant now) {
    if (r == null) {
      return build(m, PENDING, version, null, "Pending", note, now);
    }
    return switch (r.state()) {
      case PENDING, RUNNING ->
          build(
              m,
              RUNNING,
              version,
              r,
              "Running",
              note != null
                  ? note
                  : "attempt "
                      + r.attempt()
                      + " running in Job "
                      + r.jobName()
                      + " since "
                      + r.startedAt(),
              now);
      case SUCCEEDED ->
          build(
              m,
              SUCCEEDED,
              version,
              r,
              "Succeeded",
              "migrated at " + r.finishedAt() + " by Job " + r.jobName(),
              now);
      case FAILED ->
          note != null
              // Failed, but a new attempt is on its way (spec.attempt was raised).
              ? build(m, RUNNING, version, r, "Retrying", note, now)
              : stalled(
                  m, r, r.reason() == null ? null : r.reason().label(), failedMessage(r), now);
    };
  }

  private static String failedMessage(RunRecord r) {
    return "attempt "
        + r.attempt()
        + " failed"
        + (r.finishedAt() == null ? "" : " at " + r.finishedAt())
        + ": "
        + r.message()
        + "; raise spec.attempt to "
        + (r.attempt() + 1)
        + " to run it again, or apply a new version";
  }

  private static MigrationStatus stalled(
      Migration m, RunRecord r, String reason, String message, Instant now) {
    return build(
        m,
        FAILED,
        r == null ? null : r.version(),
        r,
        reason == null ? "Failed" : reason,
        message,
        now);
  }

  /**
   * The status of a phase. The conditions follow from it: in progress (Pending, Running) is
   * Reconciling; Succeeded is Ready; Failed is Stalled.
   */
  private static MigrationStatus build(
      Migration m,
      String phase,
      String version,
      RunRecord r,
      String reason,
      String message,
      Instant now) {
    boolean ready = SUCCEEDED.equals(phase);
    boolean stalled = FAILED.equals(phase);
    boolean reconciling = !ready && !stalled;
    List<Condition> conditions =
        List.of(
            condition(m, READY, ready, reason, message, now),
            condition(m, RECONCILING, reconciling, reason, reconciling ? message : null, now),
            condition(m, STALLED, stalled, reason, stalled ? message : null, now));
    return new MigrationStatus(
        phase,
        m.getMetadata().getGeneration(),
        conditions,
        version,
        reason,
        message,
        r == null ? null : r.attempt(),
        r == null ? null : r.jobName(),
        r == null || r.startedAt() == null ? null : r.startedAt().toString(),
        r == null || r.finishedAt() == null ? null : r.finishedAt().toString(),
        r == null ? null : r.startedBy(),
        r == null ? null : r.exitCode(),
        r == null ? null : Kubemigrate.recordName(r.app(), r.phase(), r.version()),
        r == null || r.logTail() == null || r.logTail().isEmpty() ? null : r.logTail(),
        r == null ? null : r.schemaBefore(),
        r == null ? null : r.schemaAfter());
  }

  private static Condition condition(
      Migration m, String type, boolean isTrue, String reason, String message, Instant now) {
    String status = isTrue ? "True" : "False";
    Condition previous = previous(m, type);
    String since =
        previous != null && status.equals(previous.getStatus())
            ? previous.getLastTransitionTime()
            : now.toString();
    return new ConditionBuilder()
        .withType(type)
        .withStatus(status)
        .withReason(reason)
        // Absent rather than empty: the client turns "" into null, which the schema refuses.
        .withMessage(message == null || message.isEmpty() ? null : message)
        .withObservedGeneration(m.getMetadata().getGeneration())
        .withLastTransitionTime(since)
        .build();
  }

  private static Condition previous(Migration m, String type) {
    return m.getStatus() == null ? null : m.getStatus().condition(type);
  }

  /** True when the two statuses say the same, whatever the times of their conditions. */
  static boolean same(MigrationStatus a, MigrationStatus b) {
    if (a == null || b == null) {
      return a == b;
    }
    return Objects.equals(withoutTimes(a), withoutTimes(b));
  }

  private static MigrationStatus withoutTimes(MigrationStatus s) {
    List<Condition> conditions = new ArrayList<>();
    if (s.conditions() != null) {
      for (Condition c : s.conditions()) {
        conditions.add(new ConditionBuilder(c).withLastTransitionTime(null).build());
      }
    }
    return new MigrationStatus(
        s.phase(),
        s.observedGeneration(),
        conditions,
        s.version(),
        s.reason(),
        s.message(),
        s.attempt(),
        s.jobName(),
        s.startedAt(),
        s.finishedAt(),
        s.startedBy(),
        s.exitCode(),
        s.record(),
        s.logTail(),
        s.schemaBefore(),
        s.schemaAfter());
  }
}
