package dev.kubemigrate.cli;

import dev.kubemigrate.api.RunOutcome;
import dev.kubemigrate.api.RunRecord;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * {@code run --dotenv FILE}: the result as {@code KUBEMIGRATE_*=value} lines, one value per line (a
 * GitLab dotenv report; the GitHub Action turns them into its outputs). A value never spans lines,
 * and the log tail is not in it.
 */
final class DotenvReport {

  private DotenvReport() {}

  static Map<String, String> values(RunOutcome outcome) {
    Map<String, String> m = new LinkedHashMap<>();
    RunRecord r = outcome.record();
    m.put("EXIT_CODE", "" + outcome.exitCode().code());
    m.put("RESULT", outcome.exitCode().name().toLowerCase(Locale.ROOT));
    m.put("HOW", outcome.how().name().toLowerCase(Locale.ROOT));
    m.put("REASON", outcome.reason() == null ? "" : outcome.reason().label());
    m.put(
        "HINT",
        outcome.reason() == null || outcome.exitCode().code() == 0 ? "" : outcome.reason().hint());
    m.put("SUMMARY", outcome.summary());
    m.put("STATE", r == null ? "" : r.state().display());
    m.put("JOB", r == null || r.jobName() == null ? "" : r.jobName());
    m.put(
        "DURATION_SECONDS", r == null ? "" : r.duration().map(d -> "" + d.toSeconds()).orElse(""));
    m.put("SCHEMA_BEFORE", r == null || r.schemaBefore() == null ? "" : r.schemaBefore());
    m.put("SCHEMA_AFTER", r == null || r.schemaAfter() == null ? "" : r.schemaAfter());
    return m;
  }

  static String text(RunOutcome outcome) {
    StringBuilder s = new StringBuilder();
    values(outcome)
        .forEach(
            (k, v) ->
                s.append("KUBEMIGRATE_")
                    .append(k)
                    .append('=')
                    .append(v == null ? "" : v.replaceAll("\\s*\\R\\s*", " ").strip())
                    .append('\n'));
    return s.toString();
  }

  /** Writes the report; a file it cannot write is a warning: the run's result stands. */
  static void write(Path file, RunOutcome outcome, ConsoleReporter reporter) {
    try {
      Files.writeString(file, text(outcome), StandardCharsets.UTF_8);
    } catch (IOException e) {
      reporter.progress("warning: cannot write --dotenv " + file + ": " + e.getMessage());
    }
  }
}
