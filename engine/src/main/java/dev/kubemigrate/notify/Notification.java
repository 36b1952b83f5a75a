package dev.kubemigrate.notify;

import dev.kubemigrate.api.RunOutcome;
import dev.kubemigrate.api.RunRecord;
import dev.kubemigrate.api.RunState;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one message a finished run posts to each {@code --notify} URL, and what is sent and said
 * about those URLs: pure. The message is a Slack-compatible {@code text} plus structured fields; it
 * holds what the record holds (never the spec's environment, never a URL's path or query, where
 * webhooks keep their tokens).
 */
public final class Notification {

  /** How many of a failed run's last log lines the message carries. */
  public static final int LOG_TAIL_LINES = 20;

  private Notification() {}

  /** Whether {@code outcome} is a run that this call ran to its end: the one that notifies. */
  public static boolean due(RunOutcome outcome) {
    RunRecord r = outcome.record();
    return outcome.how() == RunOutcome.How.RAN && r != null && !r.state().isActive();
  }

  /** The message's fields, in order: {@code text} first. */
  public static Map<String, Object> payload(RunOutcome outcome, String namespace) {
    RunRecord r = outcome.record();
    boolean ok = r.state() == RunState.SUCCEEDED;
    String what = r.app() + " " + r.version() + " (" + r.phase().label() + ")";
    Long seconds = r.duration().map(Duration::toSeconds).orElse(null);
    String ciUrl = r.startedBy() != null && r.startedBy().startsWith("http") ? r.startedBy() : null;
    StringBuilder text = new StringBuilder();
    if (ok) {
      text.append(":white_check_mark: kubemigrate: ").append(what).append(" migrated");
      if (seconds != null) {
        text.append(" in ").append(seconds).append(" s");
      }
      if (r.schemaAfter() != null) {
        text.append(", schema ")
            .append(r.schemaBefore() == null ? "" : r.schemaBefore() + " → ")
            .append(r.schemaAfter());
      }
    } else {
      text.append(":x: kubemigrate: ")
          .append(what)
          .append(" failed: ")
          .append(outcome.reason().label())
          .append(": ")
          .append(r.message() == null ? "" : r.message())
          .append("\nWhat to do: ")
          .append(outcome.reason().hint());
    }
    text.append(" (namespace ").append(namespace);
    if (r.jobName() != null) {
      text.append(", ").append(r.inPod() ? r.jobName() : "Job " + r.jobName());
    }
    text.append(ciUrl != null ? ", " + ciUrl : "").append(')');
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("text", text.toString());
    m.put("app", r.app());
    m.put("version", r.version());
    m.put("phase", r.phase().label());
    m.put("namespace", namespace);
    m.put("state", r.state().display());
    m.put("reason", outcome.reason().label());
    m.put("exitCode", outcome.exitCode().code());
    m.put("message", r.message());
    m.put("hint", ok ? null : outcome.reason().hint());
    m.put("durationSeconds", seconds);
    m.put("attempt", r.attempt());
    m.put("job", r.jobName());
    m.put("startedBy", r.startedBy());
    m.put("ciUrl", ciUrl);
    m.put("schemaBefore", r.schemaBefore());
    m.put("schemaAfter", r.schemaAfter());
    m.put("logTail", ok ? null : tail(r.logTail()));
    m.values().removeIf(v -> v == null);
    return m;
  }

  private static String tail(String log) {
    if (log == null || log.isBlank()) {
      return null;
    }
    List<String> lines = Arrays.asList(log.split("\n"));
    return String.join(
        "\n", lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()));
  }
}
