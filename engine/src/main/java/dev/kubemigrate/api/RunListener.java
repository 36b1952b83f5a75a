package dev.kubemigrate.api;

/** What a run reports while it goes: the CLI prints it, the operator turns it into events. */
public interface RunListener {

  /** A step or a change of state, for people (stderr in the CLI). */
  void progress(String message);

  /** One line of the migration's own log, as it comes (stdout in the CLI). */
  void logLine(String pod, String line);

  /** No more log is ready right now: a good moment to flush buffered lines. */
  default void flushLogs() {}

  RunListener SILENT =
      new RunListener() {
        @Override
        public void progress(String message) {}

        @Override
        public void logLine(String pod, String line) {}
      };
}
