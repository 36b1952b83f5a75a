package dev.kubemigrate.api;

import java.util.Optional;

/**
 * What to do about a run of (app, phase, version), given its record as it stands: the one decision
 * that `run`, `exec` and the operator share. Pure: no I/O, no clock; the callers do what it says.
 *
 * <p>The claim and anything that starts work happen under the app's lock: {@link
 * Action#needsLock()} says which plans those are. A caller waits for the lock, reads the record
 * again and decides again; it carries the plan out only when the decision is still the same ({@link
 * Plan#sameAs}), else it starts over: another caller got there first.
 */
public final class Decisions {

  /** What the caller is asking for, as far as the decision goes. */
  public record Ask(String specHash, boolean retry, int wantedAttempt, boolean byExec) {
    public Ask {
      wantedAttempt = Math.max(1, wantedAttempt);
    }
  }

  public enum Action {
    /** No record: claim the run (create its record), then start it. */
    CLAIM(true),
    /** Succeeded already: nothing to do, exit 0. */
    ALREADY_SUCCEEDED(false),
    /** Failed, and no new attempt was asked for: report the stored failure. */
    ALREADY_FAILED(false),
    /** Run already with another image, spec or command: refuse (exit 6). */
    CONFLICT(false),
    /** Failed, and a new attempt was asked for (`--retry`, a raised `spec.attempt`). */
    RETRY(true),
    /** Its Job exists and runs: follow it and report its result. */
    ATTACH(false),
    /**
     * Claimed, but no Job yet: its claimer is creating it (then it holds the lock) or died before
     * it did (then the lock comes free). Once this caller holds the lock, it starts the Job.
     */
    START_CLAIMED(true),
    /**
     * Active in a pod (`exec`): once this caller holds the lock, the pod that ran it is gone, maybe
     * half way. It is recorded as interrupted, never run again.
     */
    RECORD_INTERRUPTED(true);

    private final boolean needsLock;

    Action(boolean needsLock) {
      this.needsLock = needsLock;
    }

    /** True when the plan may be carried out only by the holder of the app's lock. */
    public boolean needsLock() {
      return needsLock;
    }
  }

  /** A decision: what to do, and the record it was made on (null for a claim). */
  public record Plan(Action action, RunRecord record) {

    /** True when {@code other} is the same decision about the same attempt. */
    public boolean sameAs(Plan other) {
      if (action != other.action) {
        return false;
      }
      if (record == null || other.record == null) {
        return record == other.record;
      }
      return record.attempt() == other.record.attempt()
          && record.state() == other.record.state()
          && (record.jobUid() == null) == (other.record.jobUid() == null);
    }
  }

  /** What to do about another version's run that is still active when we hold the lock. */
  public enum OtherRun {
    /** Done in a pod whose holder lost the lock: it died, maybe half way. */
    RECORD_INTERRUPTED,
    /** Claimed, never started (no Job): nothing ran. */
    RECORD_ABANDONED,
    /** Its Job may still run: wait for its result first. */
    WAIT
  }

  private Decisions() {}

  /** Why the rollback guard refuses a run or an await: its reason and one line. */
  public record Refusal(Reason reason, String message) {}

  /**
   * The rollback guard: whether {@code version}'s {@code phase} may run, or be awaited, on a schema
   * whose floor is {@code floor}. Every phase but down is refused for a version older than the
   * floor, or one that cannot be ordered against it; a down migration is the way out.
   */
  public static Optional<Refusal> guard(Optional<SchemaFloor> floor, Phase phase, String version) {
    if (floor.isEmpty() || phase == Phase.DOWN) {
      return Optional.empty();
    }
    SchemaFloor f = floor.get();
    Optional<Integer> order = Versions.compare(version, f.version());
    if (order.isEmpty()) {
      return Optional.of(
          new Refusal(
              Reason.VERSION_UNORDERED,
              "cannot order version '"
                  + version
                  + "' against "
                  + f.version()
                  + ", the oldest version the schema of "
                  + f.app()
                  + " serves since "
                  + f.cause()
                  + ": the rollback guard refuses what it cannot order; use semantic versions"
                  + " (1.5.0) or dotted numbers (2024.05.17)"));
    }
    if (order.get() >= 0) {
      return Optional.empty();
    }
    return Optional.of(
        new Refusal(
            Reason.SCHEMA_CONTRACTED,
            version
                + " is older than "
                + f.version()
                + ", the oldest version the schema of "
                + f.app()
                + " serves since "
                + f.cause()
                + ": roll forward to "
                + f.version()
                + " or later, or run a down migration that restores what "
                + version
                + " needs and records it (kubemigrate run --phase down --version "
                + f.setByVersion()
                + " --compatible-from "
                + version
                + " ...)"));
  }

  /**
   * The floor {@code spec} leaves, or empty when it leaves it as it is: a post phase raises it to
   * its {@code compatibleFrom} (default: its version) when that can be ordered, as its Job starts;
   * a down migration sets it to its {@code compatibleFrom} once it succeeded.
   */
  public static Optional<String> floorAfter(MigrationSpec spec) {
    return switch (spec.phase()) {
      case PRE -> Optional.empty();
      case POST -> {
        String from = spec.compatibleFrom() == null ? spec.version() : spec.compatibleFrom();
        yield Versions.orderable(from) ? Optional.of(from) : Optional.empty();
      }
      case DOWN -> Optional.ofNullable(spec.compatibleFrom());
    };
  }

  public static Plan decide(Optional<RunRecord> current, Ask ask) {
    if (current.isEmpty()) {
      return new Plan(Action.CLAIM, null);
    }
    RunRecord r = current.get();
    if (conflicts(r, ask)) {
      return new Plan(Action.CONFLICT, r);
    }
    return new Plan(
        switch (r.state()) {
          case SUCCEEDED -> Action.ALREADY_SUCCEEDED;
          case FAILED ->
              ask.retry() || r.attempt() < ask.wantedAttempt()
                  ? Action.RETRY
                  : Action.ALREADY_FAILED;
          case PENDING, RUNNING ->
              r.inPod()
                  ? Action.RECORD_INTERRUPTED
                  : r.jobUid() != null ? Action.ATTACH : Action.START_CLAIMED;
        },
        r);
  }

  /**
   * The same version with another spec is a conflict. `exec` records hash their command and have no
   * image; an `exec` that meets a record written by `run` (or the operator) only reads its state.
   */
  static boolean conflicts(RunRecord r, Ask ask) {
    if (ask.byExec() && r.image() != null) {
      return false;
    }
    return r.specHash() != null && !r.specHash().equals(ask.specHash());
  }

  /** What the lock's holder does about another version's active run before it starts its own. */
  public static OtherRun settle(RunRecord other) {
    if (other.inPod()) {
      return OtherRun.RECORD_INTERRUPTED;
    }
    return other.jobUid() == null ? OtherRun.RECORD_ABANDONED : OtherRun.WAIT;
  }
}
