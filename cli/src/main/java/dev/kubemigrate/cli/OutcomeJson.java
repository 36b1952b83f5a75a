package dev.kubemigrate.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.kubemigrate.api.ExitCode;
import dev.kubemigrate.api.Reason;
import dev.kubemigrate.api.RunOutcome;
import java.util.LinkedHashMap;
import java.util.Map;

/** The one machine-readable result object of `run -o json` and `await -o json`. */
final class OutcomeJson {

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private OutcomeJson() {}

  /**
   * The result object of a call that stopped on an error before it had an outcome (the cluster
   * unreachable, a permission missing, bad input): the same fields, {@code how} is {@code error}.
   */
  static String error(ExitCode exitCode, Reason reason, String message, String format) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("exitCode", exitCode.code());
    m.put("result", exitCode.name().toLowerCase(java.util.Locale.ROOT));
    m.put("how", "error");
    m.put("reason", reason.label());
    m.put("hint", reason.hint());
    m.put("summary", message);
    return RecordView.serialize(m, format).stripTrailing();
  }

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
