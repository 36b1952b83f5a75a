package dev.kubemigrate.api;

/**
 * How a call of the engine ended, for every mode alike.
 *
 * @param exitCode how the process ends: the reason's code, except that a call that was itself
 *     interrupted ends 130 whatever the record says
 * @param how what this call did: RAN (started the Job), ATTACHED (to another caller's run),
 *     ALREADY_SUCCEEDED, ALREADY_FAILED (reported a stored failure), AWAITED, INTERRUPTED
 * @param reason why it ended, in the one vocabulary of {@link Reason}
 * @param record the run's record as this call left it, or null when there is none
 * @param summary one line for people
 */
public record RunOutcome(
    ExitCode exitCode, How how, Reason reason, RunRecord record, String summary) {

  public enum How {
    RAN,
    ATTACHED,
    ALREADY_SUCCEEDED,
    ALREADY_FAILED,
    /** Refused before anything was created: the pre-flight found what would stop the pod. */
    REFUSED,
    /** `await`: waited for the record of another caller's run. */
    AWAITED,
    INTERRUPTED
  }

  /** The outcome that a finished record means: its reason, and the exit code of that reason. */
  public static RunOutcome of(How how, RunRecord record, String summary) {
    Reason reason =
        record.reason() != null
            ? record.reason()
            : record.state() == RunState.SUCCEEDED ? Reason.COMPLETED : Reason.JOB_FAILED;
    return new RunOutcome(record.outcomeCode(), how, reason, record, summary);
  }

  /** This call stopped for {@code reason} (a timeout, an interruption) with the record as read. */
  public static RunOutcome stopped(Reason reason, How how, RunRecord record, String summary) {
    return new RunOutcome(reason.exitCode(), how, reason, record, summary);
  }

  /** This call was interrupted (Ctrl-C, SIGTERM): exit 130; the record may still be active. */
  public static RunOutcome cancelled(RunRecord record, String summary) {
    return stopped(Reason.CANCELLED, How.INTERRUPTED, record, summary);
  }
}
