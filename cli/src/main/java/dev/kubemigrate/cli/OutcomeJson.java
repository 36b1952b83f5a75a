package dev.kubemigrate.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.kubemigrate.record.RunRecord;
import dev.kubemigrate.run.RunOutcome;
import java.util.LinkedHashMap;
import java.util.Map;

/** The one machine-readable result object of `run -o json` (and later `status`). */
final class OutcomeJson {

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private OutcomeJson() {}

  static String of(RunOutcome outcome, String namespace) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("exitCode", outcome.exitCode().code());
    m.put("result", outcome.exitCode().name().toLowerCase(java.util.Locale.ROOT));
    m.put("how", outcome.how().name().toLowerCase(java.util.Locale.ROOT));
    m.put("summary", outcome.summary());
    m.put("namespace", namespace);
    RunRecord r = outcome.record();
    if (r != null) {
      m.put("app", r.app());
      m.put("phase", r.phase().label());
      m.put("version", r.version());
      m.put("state", r.state().display());
      m.put("image", r.image());
      m.put("job", r.jobName());
      m.put("attempt", r.attempt());
      m.put("startedAt", r.startedAt() == null ? null : r.startedAt().toString());
      m.put("finishedAt", r.finishedAt() == null ? null : r.finishedAt().toString());
      m.put("reason", r.reason());
      m.put("message", r.message());
      m.put("containerExitCode", r.exitCode());
      m.put("startedBy", r.startedBy());
      m.put("logTail", r.logTail());
    }
    try {
      return JSON.writeValueAsString(m);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
