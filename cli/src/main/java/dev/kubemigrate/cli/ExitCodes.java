package dev.kubemigrate.cli;

import dev.kubemigrate.api.ExitCode;
import dev.kubemigrate.api.KubemigrateException;
import dev.kubemigrate.api.Reason;
import picocli.CommandLine.IExitCodeExceptionMapper;
import picocli.CommandLine.ParameterException;

/**
 * The one mapping from an exception to an exit code: a {@link KubemigrateException} anywhere in the
 * cause chain says its own code, a command-line error is a usage error (2), an interrupt is 130,
 * and anything else is a failure (1).
 */
final class ExitCodes implements IExitCodeExceptionMapper {

  @Override
  public int getExitCode(Throwable exception) {
    return exitCode(exception).code();
  }

  /** The exit code of {@code exception}, as a value of the table. */
  static ExitCode exitCode(Throwable exception) {
    if (exception instanceof ParameterException) {
      return ExitCode.USAGE;
    }
    for (Throwable cause = exception; cause != null; cause = next(cause, exception)) {
      if (cause instanceof KubemigrateException known) {
        return known.exitCode();
      }
      if (cause instanceof InterruptedException) {
        return ExitCode.INTERRUPTED;
      }
    }
    return ExitCode.FAILED;
  }

  /** The {@link KubemigrateException} in {@code exception}'s cause chain, if any. */
  static java.util.Optional<KubemigrateException> known(Throwable exception) {
    for (Throwable cause = exception; cause != null; cause = next(cause, exception)) {
      if (cause instanceof KubemigrateException known) {
        return java.util.Optional.of(known);
      }
    }
    return java.util.Optional.empty();
  }

  /** Why {@code exception} stopped the call, in the vocabulary of {@link Reason}. */
  static Reason reason(Throwable exception) {
    return known(exception)
        .map(KubemigrateException::reason)
        .orElseGet(() -> Reason.ofError(exitCode(exception)));
  }

  // Guards against a cause chain that loops back on itself.
  private static Throwable next(Throwable cause, Throwable first) {
    Throwable next = cause.getCause();
    return next == cause || next == first ? null : next;
  }
}
