package dev.kubemigrate.tool;

import dev.kubemigrate.api.Tool;
import dev.kubemigrate.tool.ToolRules.Finding;
import java.util.List;
import java.util.Optional;

/**
 * Reads a migration's output as it streams ({@link ToolRules}) and keeps the first state it finds
 * that needs a person: for `exec` (the command's output) and `run` (the Job's log) alike. Liquibase
 * waiting for its changelog lock is stale once it has waited {@value ToolRules#LOCK_WAITS} times
 * (it asks every 10 s), and the tool is to be stopped then: it would wait 5 minutes more. Lines
 * come from several threads (a run's pods).
 */
public final class ToolWatch {

  private final boolean on;
  private Tool tool;
  private int lockWaits;
  private Finding finding;
  private final SchemaProgress schema = new SchemaProgress();

  private ToolWatch(boolean on, Tool tool) {
    this.on = on;
    this.tool = tool;
  }

  /** A watch as {@code setting} says: a tool, detection from the image and command, or off. */
  public static ToolWatch of(Tool.Setting setting, String image, List<String> command) {
    if (!setting.on()) {
      return new ToolWatch(false, null);
    }
    return new ToolWatch(
        true, setting.tool().or(() -> Tool.fromImageOrCommand(image, command)).orElse(null));
  }

  /** A watch that detects the tool from the output alone (a caller that attached to a run). */
  public static ToolWatch detecting() {
    return new ToolWatch(true, null);
  }

  /** One line of the migration's output. */
  public synchronized void accept(String line) {
    if (!on) {
      return;
    }
    if (tool == null) {
      tool = Tool.fromBanner(line).orElse(null);
    }
    schema.accept(tool, line);
    if (finding != null) {
      return;
    }
    if ((tool == null || tool == Tool.LIQUIBASE) && ToolRules.liquibaseWaits(line)) {
      if (++lockWaits >= ToolRules.LOCK_WAITS) {
        finding = ToolRules.staleLock("");
      }
      return;
    }
    finding = ToolRules.read(tool, line).orElse(null);
  }

  /** The first state found, if any. */
  public synchronized Optional<Finding> finding() {
    return Optional.ofNullable(finding);
  }

  /** Whether the tool is to be stopped now: it waits for what will not come. */
  public synchronized boolean stopNow() {
    return finding != null && finding.stop();
  }

  /** Where the schema stood before the run and after it, as the tool said, if it did. */
  public synchronized Optional<SchemaProgress.Schema> schema() {
    return on ? schema.schema() : Optional.empty();
  }

  /** The tool, once known. */
  public synchronized Optional<Tool> tool() {
    return Optional.ofNullable(tool);
  }
}
