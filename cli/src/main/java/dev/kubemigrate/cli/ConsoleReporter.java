package dev.kubemigrate.cli;

import dev.kubemigrate.api.ExitCode;
import dev.kubemigrate.api.RunListener;
import dev.kubemigrate.api.RunOutcome;
import dev.kubemigrate.api.RunRecord;
import dev.kubemigrate.api.RunState;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/**
 * Prints a run for people: progress lines with the elapsed time on stderr, the migration's own log
 * on stdout (stderr too when stdout carries JSON), and a final summary that repeats the last lines
 * of the log when the migration failed.
 */
final class ConsoleReporter implements RunListener {

  private static final int FAILURE_TAIL_LINES = 20;

  private final PrintStream out;
  private final PrintStream err;
  private final Clock clock;
  private final Instant start;
  private final boolean logsToStderr;
  private static final Duration FLUSH_INTERVAL = Duration.ofMillis(100);

  private volatile boolean sawLogs;
  private volatile boolean unflushed;
  private volatile long lastFlush = System.nanoTime();

  ConsoleReporter(PrintStream out, PrintStream err, Clock clock, boolean logsToStderr) {
    this.out = out;
    this.err = err;
    this.clock = clock;
    this.start = clock.instant();
    this.logsToStderr = logsToStderr;
  }

  @Override
  public void progress(String message) {
    synchronized (err) {
      err.printf(Locale.ROOT, "[%6.1fs] %s%n", elapsed().toMillis() / 1000.0, message);
      err.flush();
    }
  }

  @Override
  public void logLine(String pod, String line) {
    sawLogs = true;
    PrintStream target = logsToStderr ? err : out;
    synchronized (target) {
      target.println(line);
    }
    unflushed = true;
  }

  /**
   * The log pauses: flush, but at most every {@link #FLUSH_INTERVAL}: a big log arrives one line
   * per chunk, and a flush per line would cost a system call per line. The timer in {@link
   * #startFlusher()} flushes what a pause left behind.
   */
  @Override
  public void flushLogs() {
    long now = System.nanoTime();
    if (now - lastFlush >= FLUSH_INTERVAL.toNanos()) {
      flushNow();
    }
  }

  private void flushNow() {
    if (!unflushed) {
      return;
    }
    unflushed = false;
    lastFlush = System.nanoTime();
    PrintStream target = logsToStderr ? err : out;
    synchronized (target) {
      target.flush();
    }
  }

  /** Flushes buffered log lines within {@link #FLUSH_INTERVAL}, so a quiet log is still live. */
  ConsoleReporter startFlusher() {
    Thread t =
        new Thread(
            () -> {
              while (!Thread.currentThread().isInterrupted()) {
                try {
                  Thread.sleep(FLUSH_INTERVAL.toMillis());
                } catch (InterruptedException e) {
                  return;
                }
                flushNow();
              }
            },
            "log-flusher");
    t.setDaemon(true);
    t.start();
    return this;
  }

  Duration elapsed() {
    return Duration.between(start, clock.instant());
  }

  /** The closing lines: the summary, and on failure the log tail from the record. */
  void summary(RunOutcome outcome) {
    out.flush();
    RunRecord r = outcome.record();
    boolean ok = outcome.exitCode() == ExitCode.SUCCEEDED;
    if (!ok && r != null && r.logTail() != null && !r.logTail().isBlank()) {
      String[] lines = r.logTail().split("\n");
      int from = Math.max(0, lines.length - FAILURE_TAIL_LINES);
      err.println("---- last " + (lines.length - from) + " lines of the migration's log ----");
      for (int i = from; i < lines.length; i++) {
        err.println("  | " + lines[i]);
      }
      err.println("---- end of log ----");
    } else if (!ok && !sawLogs && r != null && r.state() == RunState.FAILED) {
      err.println("(the migration wrote no log)");
    }
    err.printf(
        Locale.ROOT,
        "%s %s (exit %d, %.1fs)%n",
        ok ? "OK:" : "FAILED:",
        outcome.summary(),
        outcome.exitCode().code(),
        elapsed().toMillis() / 1000.0);
    if (!ok && outcome.reason() != null) {
      err.println("hint (" + outcome.reason().label() + "): " + outcome.reason().hint());
    }
    err.flush();
  }
}
