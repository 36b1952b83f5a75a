package dev.kubemigrate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.kubemigrate.api.ExitCode;
import dev.kubemigrate.api.Phase;
import dev.kubemigrate.api.Reason;
import dev.kubemigrate.api.RunOutcome;
import dev.kubemigrate.api.RunRecord;
import dev.kubemigrate.api.RunState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The JSON Schemas published in schema/ describe what -o json prints: every reason, exit code and
 * way a call can end, validated with a JSON Schema 2020-12 validator; and they are strict enough to
 * fail on what they do not describe.
 */
class OutputSchemaTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path SCHEMAS = Path.of("..", "schema");
  private static final Instant AT = Instant.parse("2026-12-04T10:00:00Z");

  private static JsonSchema schema(String file) throws IOException {
    SchemaValidatorsConfig config =
        SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build();
    return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012)
        .getSchema(Files.readString(SCHEMAS.resolve(file)), config);
  }

  private static Set<ValidationMessage> check(String file, String json) throws IOException {
    return schema(file).validate(JSON.readTree(json));
  }

  private static RunRecord record(RunState state, Reason reason) {
    RunRecord claim =
        RunRecord.claim(
            "shop", Phase.PRE, "1.4.0", RunState.RUNNING, "img:1", "h", "job-1", AT, "ci@host");
    return state.isActive()
        ? claim
        : claim
            .finished(state, AT.plusSeconds(5), reason, "a message", 1, "line 1\nline 2")
            .withSchema("empty", "3");
  }

  @ParameterizedTest
  @EnumSource(Reason.class)
  @DisplayName("run -o json: every reason, with its record, fits outcome.schema.json")
  void everyReason(Reason reason) throws IOException {
    RunState state = reason == Reason.COMPLETED ? RunState.SUCCEEDED : RunState.FAILED;
    String json =
        OutcomeJson.of(RunOutcome.of(RunOutcome.How.RAN, record(state, reason), "s"), "ns");
    assertThat(check("outcome.schema.json", json)).as(json).isEmpty();
    String stopped =
        OutcomeJson.of(RunOutcome.stopped(reason, RunOutcome.How.REFUSED, null, "refused"), "ns");
    assertThat(check("outcome.schema.json", stopped)).as(stopped).isEmpty();
  }

  @ParameterizedTest
  @EnumSource(RunOutcome.How.class)
  @DisplayName("run and await -o json: every way a call ends fits outcome.schema.json")
  void everyHow(RunOutcome.How how) throws IOException {
    String json =
        OutcomeJson.of(
            new RunOutcome(
                ExitCode.SUCCEEDED, how, Reason.COMPLETED, record(RunState.RUNNING, null), "s"),
            "ns");
    assertThat(check("outcome.schema.json", json)).as(json).isEmpty();
  }

  @ParameterizedTest
  @EnumSource(ExitCode.class)
  @DisplayName("An error before any outcome (how: error), for every exit code, fits too")
  void everyError(ExitCode code) throws IOException {
    String json =
        OutcomeJson.error(
            code, Reason.KUBERNETES_API_ERROR, "the API server is unreachable", "json");
    assertThat(check("outcome.schema.json", json)).as(json).isEmpty();
  }

  @Test
  @DisplayName("status and history -o json: records, active and final, fit record.schema.json")
  void records() throws IOException {
    for (RunState state : RunState.values()) {
      Map<String, Object> view = new LinkedHashMap<>(RecordView.map(record(state, Reason.ERROR)));
      view.put("schema", Map.of("pre", "3"));
      String json = RecordView.serialize(view, "json");
      assertThat(check("record.schema.json", json)).as(json).isEmpty();
    }
  }

  @Test
  @DisplayName("The schemas are strict: a field they do not describe, or a wrong value, fails")
  void strict() throws IOException {
    assertThat(
            check(
                "outcome.schema.json",
                "{\"exitCode\": 0, \"result\": \"succeeded\", \"how\": \"ran\", \"reason\": \"Completed\", \"summary\": \"s\", \"extra\": 1}"))
        .isNotEmpty();
    assertThat(
            check(
                "outcome.schema.json",
                "{\"exitCode\": 11, \"result\": \"succeeded\", \"how\": \"ran\", \"reason\": \"Completed\", \"summary\": \"s\"}"))
        .isNotEmpty();
    assertThat(
            check(
                "record.schema.json",
                "{\"app\": \"a\", \"phase\": \"pre\", \"version\": \"1\", \"state\": \"Done\", \"attempt\": 1}"))
        .isNotEmpty();
  }

  @Test
  @DisplayName("The schemas' lists are the code's: every reason label, exit code and state")
  void enumsMatchTheCode() throws IOException {
    JsonNode outcome = JSON.readTree(Files.readString(SCHEMAS.resolve("outcome.schema.json")));
    assertThat(texts(outcome.at("/properties/reason/enum")))
        .isEqualTo(new TreeSet<>(Arrays.stream(Reason.values()).map(Reason::label).toList()));
    assertThat(texts(outcome.at("/properties/exitCode/enum")))
        .isEqualTo(
            new TreeSet<>(Arrays.stream(ExitCode.values()).map(c -> "" + c.code()).toList()));
    JsonNode record = JSON.readTree(Files.readString(SCHEMAS.resolve("record.schema.json")));
    assertThat(texts(record.at("/properties/state/enum")))
        .isEqualTo(new TreeSet<>(Arrays.stream(RunState.values()).map(RunState::display).toList()));
    assertThat(texts(record.at("/properties/phase/enum")))
        .isEqualTo(new TreeSet<>(Arrays.stream(Phase.values()).map(Phase::label).toList()));
  }

  private static Set<String> texts(JsonNode array) {
    return new TreeSet<>(
        StreamSupport.stream(array.spliterator(), false).map(JsonNode::asText).toList());
  }
}
