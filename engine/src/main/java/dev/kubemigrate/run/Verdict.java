package dev.kubemigrate.run;

import dev.kubemigrate.outcome.ExitCode;

/**
 * What the Job and its pods say right now. Terminal verdicts end the run.
 *
 * @param reason a short machine-readable reason (Kubernetes' own where it has one: ErrImagePull,
 *     OOMKilled, DeadlineExceeded, …)
 * @param message one line a person can act on
 * @param exitCode the migration container's exit code, when it ran and ended
 */
public record Verdict(Kind kind, String reason, String message, Integer exitCode) {

  public enum Kind {
    WAITING(null),
    RUNNING(null),
    SUCCEEDED(ExitCode.SUCCEEDED),
    FAILED(ExitCode.FAILED),
    COULD_NOT_START(ExitCode.COULD_NOT_START),
    TIMED_OUT(ExitCode.TIMED_OUT);

    private final ExitCode exitCode;

    Kind(ExitCode exitCode) {
      this.exitCode = exitCode;
    }

    public boolean terminal() {
      return exitCode != null;
    }

    public ExitCode exitCode() {
      return exitCode;
    }
  }

  static Verdict waiting(String reason, String message) {
    return new Verdict(Kind.WAITING, reason, message, null);
  }

  static Verdict running(String message) {
    return new Verdict(Kind.RUNNING, "Running", message, null);
  }

  /** The container ended; the Job controller has not said yet what that means for the Job. */
  static Verdict exited(String message) {
    return new Verdict(Kind.RUNNING, "Exited", message, null);
  }

  public boolean terminal() {
    return kind.terminal();
  }
}
