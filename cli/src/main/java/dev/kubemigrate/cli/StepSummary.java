package dev.kubemigrate.cli;

import dev.kubemigrate.api.RunOutcome;
import dev.kubemigrate.api.RunRecord;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** A short markdown summary for CI systems that show one (GitHub Actions' GITHUB_STEP_SUMMARY). */
final class StepSummary {

  private StepSummary() {}

  static String markdown(RunOutcome outcome, String namespace) {
    RunRecord r = outcome.record();
    StringBuilder md = new StringBuilder();
    boolean ok = outcome.exitCode().code() == 0;
    md.append("### ")
        .append(ok ? "✅" : "❌")
        .append(" kubemigrate: ")
        .append(outcome.summary().replace("|", "\\|"))
        .append("\n\n");
    if (r != null) {
      md.append("| app | phase | version | state | job | attempt | reason |\n");
      md.append("|---|---|---|---|---|---|---|\n");
      md.append(
          String.format(
              "| %s | %s | %s | %s | %s/%s | %d | %s |%n",
              r.app(),
              r.phase().label(),
              r.version(),
              r.state().display(),
              namespace,
              r.jobName(),
              r.attempt(),
              r.reason() == null ? "" : r.reason().label()));
      if (!ok && r.logTail() != null && !r.logTail().isBlank()) {
        md.append("\n<details><summary>last lines of the log</summary>\n\n```\n")
            .append(r.logTail().replace("```", "'''"))
            .append("\n```\n</details>\n");
      }
    }
    return md.toString();
  }

  /** Appends the summary when the CI provides a file for it; never fails the run. */
  static void write(String file, RunOutcome outcome, String namespace, ConsoleReporter reporter) {
    if (file == null || file.isBlank()) {
      return;
    }
    try {
      Files.writeString(
          Path.of(file),
          markdown(outcome, namespace) + "\n",
          StandardCharsets.UTF_8,
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    } catch (IOException e) {
      reporter.progress("could not write the step summary to " + file + ": " + e.getMessage());
    }
  }
}
