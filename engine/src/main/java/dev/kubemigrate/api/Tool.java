package dev.kubemigrate.api;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The migration tools whose own states kubemigrate recognises in their output (see {@link
 * ToolRules}), and how a migration's tool is known: {@code --tool} ({@code spec.tool}) when set,
 * else its image's repository or its command's name, else the first lines it prints.
 */
public enum Tool {
  FLYWAY("flyway"),
  LIQUIBASE("liquibase"),
  GOLANG_MIGRATE("golang-migrate");

  /** The value {@code --tool} takes. */
  private final String id;

  Tool(String id) {
    this.id = id;
  }

  public String id() {
    return id;
  }

  /** What {@code --tool} accepts. */
  public static final String ACCEPTED = "auto, flyway, liquibase, golang-migrate or none";

  /**
   * The setting's meaning: {@link Setting#AUTO} for {@code auto} (or none given: detect), a tool,
   * or {@link Setting#OFF} for {@code none} (do not read the tool's output).
   *
   * @throws KubemigrateException (usage) naming {@code what} for any other value
   */
  public static Setting parse(String value, String what) {
    if (value == null || value.equalsIgnoreCase("auto")) {
      return Setting.AUTO;
    }
    if (value.equalsIgnoreCase("none")) {
      return Setting.OFF;
    }
    for (Tool t : values()) {
      if (t.id.equalsIgnoreCase(value)) {
        return new Setting(Optional.of(t), true);
      }
    }
    throw KubemigrateException.usage("invalid tool '%s' (%s): use %s", value, what, ACCEPTED);
  }

  /** {@code --tool}: a tool, or detection ({@code auto}), or off. */
  public record Setting(Optional<Tool> tool, boolean on) {
    public static final Setting AUTO = new Setting(Optional.empty(), true);
    public static final Setting OFF = new Setting(Optional.empty(), false);
  }

  /**
   * The tool that an image or a command names: {@code flyway/flyway:11}, {@code
   * liquibase/liquibase}, {@code migrate/migrate}, a command {@code /flyway/flyway}, {@code
   * liquibase}, {@code migrate}.
   */
  public static Optional<Tool> fromImageOrCommand(String image, List<String> command) {
    if (!command.isEmpty()) {
      String name = command.get(0);
      name = name.substring(name.lastIndexOf('/') + 1).toLowerCase(Locale.ROOT);
      switch (name) {
        case "flyway", "flyway.cmd" -> {
          return Optional.of(FLYWAY);
        }
        case "liquibase", "liquibase.sh" -> {
          return Optional.of(LIQUIBASE);
        }
        case "migrate" -> {
          return Optional.of(GOLANG_MIGRATE);
        }
        default -> {}
      }
    }
    if (image != null) {
      String repository = image.toLowerCase(Locale.ROOT);
      int at = repository.indexOf('@');
      repository = at >= 0 ? repository.substring(0, at) : repository;
      int colon = repository.lastIndexOf(':');
      if (colon > repository.lastIndexOf('/')) {
        repository = repository.substring(0, colon);
      }
      String last = repository.substring(repository.lastIndexOf('/') + 1);
      if (last.contains("flyway")) {
        return Optional.of(FLYWAY);
      }
      if (last.contains("liquibase")) {
        return Optional.of(LIQUIBASE);
      }
      if (last.equals("migrate") || last.contains("golang-migrate")) {
        return Optional.of(GOLANG_MIGRATE);
      }
    }
    return Optional.empty();
  }

  /** The tool whose banner {@code line} is, if it is one. */
  public static Optional<Tool> fromBanner(String line) {
    if (line.startsWith("Flyway ") && line.contains(" Edition ")) {
      return Optional.of(FLYWAY); // "Flyway OSS Edition 11.8.2 by Redgate"
    }
    if (line.contains("Liquibase Version: ") || line.startsWith("Starting Liquibase at ")) {
      return Optional.of(LIQUIBASE);
    }
    return Optional.empty();
  }
}
