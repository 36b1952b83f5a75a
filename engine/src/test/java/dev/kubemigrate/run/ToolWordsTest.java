package dev.kubemigrate.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubemigrate.api.Reason;
import dev.kubemigrate.api.Tool;
import dev.kubemigrate.tool.ToolWatch;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** How a run's verdict takes the tool's words ({@link RunEngine#inToolsWords}). */
class ToolWordsTest {

  @Test
  @DisplayName(
      "A migration that exited non-zero after its tool named a state takes that reason, its exit"
          + " code kept; a success, an OOM kill or a deadline keep their own")
  void onlyAnErrorTakesTheToolsWords() {
    ToolWatch flyway = ToolWatch.of(Tool.Setting.AUTO, "flyway/flyway:11.8.2", List.of());
    flyway.accept("Detected failed migration to version 2 (add orders).");
    Verdict error = Verdict.stop(Reason.ERROR, "the migration exited with code 1", 1);

    Verdict named = RunEngine.inToolsWords(error, flyway);
    assertThat(named.reason()).isEqualTo(Reason.TOOL_FAILED_MIGRATION);
    assertThat(named.exitCode()).isEqualTo(1);
    assertThat(named.message())
        .contains("version 2 (add orders)")
        .endsWith("(the migration exited with code 1)");

    for (Verdict own :
        List.of(
            Verdict.stop(Reason.COMPLETED, "the migration succeeded", 0),
            Verdict.stop(Reason.OOM_KILLED, "killed", 137),
            Verdict.stop(Reason.DEADLINE_EXCEEDED, "too long", null))) {
      assertThat(RunEngine.inToolsWords(own, flyway)).isEqualTo(own);
    }
    // Nothing named: the error stays an error
    ToolWatch quiet = ToolWatch.of(Tool.Setting.AUTO, "busybox:1.36", List.of("sh"));
    quiet.accept("applying V7");
    assertThat(RunEngine.inToolsWords(error, quiet)).isEqualTo(error);
  }
}
