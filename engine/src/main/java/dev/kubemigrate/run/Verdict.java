package dev.kubemigrate.run;

import dev.kubemigrate.api.Reason;

/**
 * What the Job and its pods say right now. Terminal verdicts end the run.
 *
 * @param reason why a terminal verdict stops the run; on a waiting one, the reason it will stop for
 *     if nothing changes (a pull that keeps failing), else null
 * @param message one line a person can act on
 * @param exitCode the migration container's exit code, when it ran and ended
 */
record Verdict(Kind kind, Reason reason, String message, Integer exitCode) {

  enum Kind {
    WAITING,
    RUNNING,
    SUCCEEDED,
    FAILED,
    COULD_NOT_START,
    TIMED_OUT;

    boolean terminal() {
      return this != WAITING && this != RUNNING;
    }
  }

  static Verdict waiting(String message) {
    return new Verdict(Kind.WAITING, null, message, null);
  }

  /** Waiting, but it will stop for {@code reason} once its grace period is over. */
  static Verdict waiting(Reason reason, String message) {
    return new Verdict(Kind.WAITING, reason, message, null);
  }

  static Verdict running(String message) {
    return new Verdict(Kind.RUNNING, null, message, null);
  }

  /** The container ended; the Job controller has not said yet what that means for the Job. */
  static Verdict exited(String message) {
    return new Verdict(Kind.RUNNING, null, message, null);
  }

  /** A terminal verdict; its kind follows from the reason's exit code. */
  static Verdict stop(Reason reason, String message, Integer exitCode) {
    Kind kind =
        switch (reason.exitCode()) {
          case SUCCEEDED -> Kind.SUCCEEDED;
          case COULD_NOT_START -> Kind.COULD_NOT_START;
          case TIMED_OUT -> Kind.TIMED_OUT;
          default -> Kind.FAILED;
        };
    return new Verdict(kind, reason, message, exitCode);
  }

  boolean terminal() {
    return kind.terminal();
  }

  /** What makes two verdicts say the same thing, for showing each change once. */
  String key() {
    return kind + "/" + (reason != null ? reason.label() : message);
  }
}
