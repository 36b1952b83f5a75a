package dev.kubemigrate.record;

import dev.kubemigrate.job.Phase;
import java.time.Instant;

/**
 * The durable result of a run of (app, phase, version): stored apart from the Job so it outlives
 * the Job's clean-up. Creating it is the claim that makes runs exactly-once.
 *
 * @param jobUid the uid of the Job once created: a record that names a Job which is gone was lost
 * @param startedBy who started the run: a CI run URL when there is one, else user@host
 * @param logTail the last lines of the migration's log, bounded by {@link LogTail}
 */
public record RunRecord(
    String app,
    Phase phase,
    String version,
    RunState state,
    String image,
    String specHash,
    String jobName,
    String jobUid,
    int attempt,
    Instant startedAt,
    Instant finishedAt,
    String reason,
    String message,
    Integer exitCode,
    String startedBy,
    String logTail) {

  /** A new run's record, created as its claim: no result yet, attempt 1. */
  public static RunRecord claim(
      String app,
      Phase phase,
      String version,
      RunState state,
      String image,
      String specHash,
      String jobName,
      Instant startedAt,
      String startedBy) {
    return new RunRecord(
        app, phase, version, state, image, specHash, jobName, null, 1, startedAt, null, null, null,
        null, startedBy, null);
  }

  public RunRecord withState(RunState newState) {
    return new RunRecord(
        app,
        phase,
        version,
        newState,
        image,
        specHash,
        jobName,
        jobUid,
        attempt,
        startedAt,
        finishedAt,
        reason,
        message,
        exitCode,
        startedBy,
        logTail);
  }

  public RunRecord withJobUid(String uid) {
    return new RunRecord(
        app,
        phase,
        version,
        RunState.RUNNING,
        image,
        specHash,
        jobName,
        uid,
        attempt,
        startedAt,
        finishedAt,
        reason,
        message,
        exitCode,
        startedBy,
        logTail);
  }

  /** The record of a run that has ended. */
  public RunRecord finished(
      RunState finalState,
      Instant at,
      String newReason,
      String newMessage,
      Integer newExitCode,
      String newLogTail) {
    return new RunRecord(
        app,
        phase,
        version,
        finalState,
        image,
        specHash,
        jobName,
        jobUid,
        attempt,
        startedAt,
        at,
        newReason,
        newMessage,
        newExitCode,
        startedBy,
        newLogTail);
  }

  /** A fresh attempt after a failure (`--retry`): new Job name, nothing of the old result. */
  public RunRecord retried(String newJobName, Instant at, String by) {
    return new RunRecord(
        app,
        phase,
        version,
        RunState.PENDING,
        image,
        specHash,
        newJobName,
        null,
        attempt + 1,
        at,
        null,
        null,
        null,
        null,
        by,
        null);
  }
}
