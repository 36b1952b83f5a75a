package dev.kubemigrate.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.kubemigrate.api.Durations;
import dev.kubemigrate.api.KubemigrateException;
import dev.kubemigrate.api.RunRecord;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** How records print: one shape for JSON and YAML, and tables for people. */
final class RecordView {

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private RecordView() {}

  /** The output format of `-o`: null (a table), json or yaml. */
  static String format(String output) {
    if (output == null || output.equals("json") || output.equals("yaml")) {
      return output;
    }
    throw KubemigrateException.usage("invalid --output '%s': use json or yaml", output);
  }

  static Map<String, Object> map(RunRecord r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("app", r.app());
    m.put("phase", r.phase().label());
    m.put("version", r.version());
    m.put("state", r.state().display());
    m.put("image", r.image());
    m.put("job", r.jobName());
    m.put("attempt", r.attempt());
    m.put("startedAt", r.startedAt() == null ? null : r.startedAt().toString());
    m.put("finishedAt", r.finishedAt() == null ? null : r.finishedAt().toString());
    m.put("reason", r.reason() == null ? null : r.reason().label());
    m.put("message", r.message());
    m.put("containerExitCode", r.exitCode());
    m.put("schemaBefore", r.schemaBefore());
    m.put("schemaAfter", r.schemaAfter());
    m.put("startedBy", r.startedBy());
    m.put("logTail", r.logTail());
    return m;
  }

  /** {@code 3 → 5}, {@code empty → 2}, {@code 4 → 6 changesets}, or empty when not known. */
  static String schema(RunRecord r) {
    if (r.schemaBefore() == null && r.schemaAfter() == null) {
      return "";
    }
    String before = r.schemaBefore() == null ? "?" : r.schemaBefore();
    String after = r.schemaAfter() == null ? "?" : r.schemaAfter();
    String unit = " changesets";
    if (before.endsWith(unit) && after.endsWith(unit)) {
      before = before.substring(0, before.length() - unit.length());
    } else if (before.endsWith(" changeset") && after.endsWith(unit)) {
      before = before.substring(0, before.length() - " changeset".length());
    }
    return before + " → " + after;
  }

  static String serialize(Object value, String format) {
    try {
      return format.equals("yaml") ? KubectlYaml.write(value) : JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** VERSION PHASE STATE STARTED DURATION ATTEMPT SCHEMA REASON BY, newest first. */
  static String table(List<RunRecord> records) {
    String[] header = {
      "VERSION", "PHASE", "STATE", "STARTED", "DURATION", "ATTEMPT", "SCHEMA", "REASON", "BY"
    };
    List<String[]> rows = new java.util.ArrayList<>();
    rows.add(header);
    for (RunRecord r : records) {
      rows.add(
          new String[] {
            r.version(),
            r.phase().label(),
            r.state().display(),
            r.startedAt() == null ? "" : r.startedAt().truncatedTo(ChronoUnit.SECONDS).toString(),
            r.duration()
                .map(d -> Durations.format(d.truncatedTo(ChronoUnit.SECONDS)))
                .orElse(r.state().isActive() ? "running" : ""),
            Integer.toString(r.attempt()),
            schema(r),
            r.reason() == null ? "" : r.reason().label(),
            r.startedBy() == null ? "" : r.startedBy()
          });
    }
    int[] widths = new int[header.length];
    for (String[] row : rows) {
      for (int i = 0; i < row.length; i++) {
        widths[i] = Math.max(widths[i], row[i].length());
      }
    }
    StringBuilder out = new StringBuilder();
    for (String[] row : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < row.length; i++) {
        line.append(String.format(Locale.ROOT, "%-" + widths[i] + "s", row[i]));
        if (i < row.length - 1) {
          line.append("  ");
        }
      }
      out.append(line.toString().stripTrailing()).append('\n');
    }
    return out.toString();
  }
}
