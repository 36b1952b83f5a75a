package dev.kubemigrate.outcome;

import java.util.Objects;

/**
 * An error that knows how kubemigrate must end because of it. The message is one line meant for the
 * user, without the exception's class name; the command line adds the cause chain to it.
 */
public class KubemigrateException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final ExitCode exitCode;

  public KubemigrateException(ExitCode exitCode, String message) {
    super(message);
    this.exitCode = Objects.requireNonNull(exitCode, "exitCode");
  }

  public KubemigrateException(ExitCode exitCode, String message, Throwable cause) {
    super(message, cause);
    this.exitCode = Objects.requireNonNull(exitCode, "exitCode");
  }

  /** A usage or input error (exit 2): the message is {@code String.format(format, args)}. */
  public static KubemigrateException usage(String format, Object... args) {
    return new KubemigrateException(ExitCode.USAGE, String.format(format, args));
  }

  public ExitCode exitCode() {
    return exitCode;
  }
}
