package dev.kubemigrate.run;

import dev.kubemigrate.outcome.ExitCode;
import dev.kubemigrate.record.RunRecord;

/**
 * How a call of the engine ended, for every mode alike.
 *
 * @param how what this call did: RAN (started the Job), ATTACHED (to another caller's run),
 *     ALREADY_SUCCEEDED, ALREADY_FAILED (reported a stored failure), INTERRUPTED
 * @param summary one line for people
 */
public record RunOutcome(ExitCode exitCode, How how, RunRecord record, String summary) {

  public enum How {
    RAN,
    ATTACHED,
    ALREADY_SUCCEEDED,
    ALREADY_FAILED,
    /** `await`: waited for the record of another caller's run. */
    AWAITED,
    INTERRUPTED
  }
}
