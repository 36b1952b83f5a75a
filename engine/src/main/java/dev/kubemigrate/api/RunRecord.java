package dev.kubemigrate.api;

import java.time.Instant;
import java.util.function.Consumer;

/**
 * The durable result of a run of (app, phase, version): stored apart from the Job so it outlives
 * the Job's clean-up. Creating it is the claim that makes runs exactly-once.
 *
 * @param jobName the Job that runs it, or {@code pod/NAME} for a run done by `exec` in that pod
 * @param jobUid the uid of the Job once created: a record that names a Job which is gone was lost
 * @param reason why it ended (null while it is active)
 * @param exitCode the migration container's own exit code, when it ran and ended
 * @param startedBy who started the run: a CI run URL when there is one, else user@host
 * @param logTail the last lines of the migration's log, bounded
 * @param startedPod the pod of this attempt's Job that started the migration, once a caller saw it
 *     start; until then, a Job that may not retry has one start to give (see {@code JobFactory})
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
    Reason reason,
    String message,
    Integer exitCode,
    String startedBy,
    String logTail,
    String startedPod,
    String schemaBefore,
    String schemaAfter) {

  /** The prefix of {@link #jobName()} for a run done in a pod by `exec`, not by a Job. */
  public static final String POD_PREFIX = "pod/";

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
        null, startedBy, null, null, null, null);
  }

  /** How long the run took, from its claim to its end; empty until both are known. */
  public java.util.Optional<java.time.Duration> duration() {
    return startedAt == null || finishedAt == null
        ? java.util.Optional.empty()
        : java.util.Optional.of(java.time.Duration.between(startedAt, finishedAt));
  }

  /** True when the run is done by `exec` in a pod rather than by a Job. */
  public boolean inPod() {
    return jobName != null && jobName.startsWith(POD_PREFIX);
  }

  /**
   * The exit code that this record means, the same for every caller and every mode: 0 once
   * succeeded, the reason's code once failed. Active runs have none yet.
   */
  public ExitCode outcomeCode() {
    return switch (state) {
      case SUCCEEDED -> ExitCode.SUCCEEDED;
      case FAILED -> (reason == null ? Reason.JOB_FAILED : reason).exitCode();
      case PENDING, RUNNING -> throw new IllegalStateException("the run is still " + state);
    };
  }

  public RunRecord withState(RunState newState) {
    return edit(d -> d.state = newState);
  }

  /** The Job was created (or found): the run is running. */
  public RunRecord withJobUid(String uid) {
    return edit(
        d -> {
          d.state = RunState.RUNNING;
          d.jobUid = uid;
        });
  }

  /** A caller saw this pod of the attempt's Job start the migration. */
  public RunRecord withStartedPod(String pod) {
    return edit(d -> d.startedPod = pod);
  }

  /**
   * Where the schema stood before the run and after it, as the migration tool said (Flyway's
   * version, Liquibase's changesets, golang-migrate's version); either may be null.
   */
  public RunRecord withSchema(String before, String after) {
    return edit(
        d -> {
          d.schemaBefore = before;
          d.schemaAfter = after;
        });
  }

  /** The record of a run that has ended. */
  public RunRecord finished(
      RunState finalState,
      Instant at,
      Reason newReason,
      String newMessage,
      Integer newExitCode,
      String newLogTail) {
    return edit(
        d -> {
          d.state = finalState;
          d.finishedAt = at;
          d.reason = newReason;
          d.message = newMessage;
          d.exitCode = newExitCode;
          d.logTail = newLogTail;
        });
  }

  /** A fresh attempt after a failure (`--retry`): new Job name, nothing of the old result. */
  public RunRecord retried(String newJobName, Instant at, String by) {
    return edit(
        d -> {
          d.state = RunState.PENDING;
          d.jobName = newJobName;
          d.jobUid = null;
          d.attempt = attempt + 1;
          d.startedAt = at;
          d.finishedAt = null;
          d.reason = null;
          d.message = null;
          d.exitCode = null;
          d.startedBy = by;
          d.logTail = null;
          d.startedPod = null;
          d.schemaBefore = null;
          d.schemaAfter = null;
        });
  }

  private RunRecord edit(Consumer<Draft> change) {
    Draft d = new Draft(this);
    change.accept(d);
    return d.build();
  }

  /** A mutable copy, so that each change above names only the fields it changes. */
  private static final class Draft {
    private final String app;
    private final Phase phase;
    private final String version;
    private final String image;
    private final String specHash;
    private RunState state;
    private String jobName;
    private String jobUid;
    private int attempt;
    private Instant startedAt;
    private Instant finishedAt;
    private Reason reason;
    private String message;
    private Integer exitCode;
    private String startedBy;
    private String logTail;
    private String startedPod;
    private String schemaBefore;
    private String schemaAfter;

    private Draft(RunRecord r) {
      app = r.app;
      phase = r.phase;
      version = r.version;
      image = r.image;
      specHash = r.specHash;
      state = r.state;
      jobName = r.jobName;
      jobUid = r.jobUid;
      attempt = r.attempt;
      startedAt = r.startedAt;
      finishedAt = r.finishedAt;
      reason = r.reason;
      message = r.message;
      exitCode = r.exitCode;
      startedBy = r.startedBy;
      logTail = r.logTail;
      startedPod = r.startedPod;
      schemaBefore = r.schemaBefore;
      schemaAfter = r.schemaAfter;
    }

    private RunRecord build() {
      return new RunRecord(
          app,
          phase,
          version,
          state,
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
          logTail,
          startedPod,
          schemaBefore,
          schemaAfter);
    }
  }
}
