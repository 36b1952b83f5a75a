package dev.kubemigrate.api;

import java.util.Objects;

/**
 * An error that knows how kubemigrate must end because of it. The message is one line meant for the
 * user, without the exception's class name; the command line adds the cause chain to it.
 */
public class KubemigrateException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final ExitCode exitCode;
  private final Reason reason;

  public KubemigrateException(ExitCode exitCode, String message) {
    this(exitCode, message, null);
  }

  public KubemigrateException(ExitCode exitCode, String message, Throwable cause) {
    this(Reason.ofError(Objects.requireNonNull(exitCode, "exitCode")), message, cause);
  }

  /** An error for {@code reason}: it ends with the reason's exit code. */
  public KubemigrateException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = Objects.requireNonNull(reason, "reason");
    this.exitCode = reason.exitCode();
  }

  /** A usage or input error (exit 2): the message is {@code String.format(format, args)}. */
  public static KubemigrateException usage(String format, Object... args) {
    return new KubemigrateException(ExitCode.USAGE, String.format(format, args));
  }

  public ExitCode exitCode() {
    return exitCode;
  }

  /** Why: in the same vocabulary as a run's record. */
  public Reason reason() {
    return reason;
  }
}
