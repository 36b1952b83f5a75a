package dev.kubemigrate.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.kubemigrate.api.RunOutcome;
import java.util.LinkedHashMap;
import java.util.Map;

/** The one machine-readable result object of `run -o json` and `await -o json`. */
final class OutcomeJson {

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private OutcomeJson() {}

  static String of(RunOutcome outcome, String namespace) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("exitCode", outcome.exitCode().code());
    m.put("result", outcome.exitCode().name().toLowerCase(java.util.Locale.ROOT));
    m.put("how", outcome.how().name().toLowerCase(java.util.Locale.ROOT));
    m.put("reason", outcome.reason() == null ? null : outcome.reason().label());
    m.put("hint", outcome.reason() == null ? null : outcome.reason().hint());
    m.put("summary", outcome.summary());
    m.put("namespace", namespace);
    if (outcome.record() != null) {
      m.putAll(RecordView.map(outcome.record()));
    }
    if (outcome.reason() != null) {
      m.put("reason", outcome.reason().label()); // this call's reason, e.g. Cancelled
    }
    try {
      return JSON.writeValueAsString(m);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
