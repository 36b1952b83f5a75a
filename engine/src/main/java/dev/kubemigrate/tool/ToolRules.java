package dev.kubemigrate.tool;

import dev.kubemigrate.api.Reason;
import dev.kubemigrate.api.Tool;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a migration tool's own output says about a state of its tables that needs a person, line by
 * line: pure. The words are the tools' own (tested with output captured from Flyway 11.8.2 and
 * Liquibase 4.33.0, and with golang-migrate's message as its source writes it): see the README's
 * section per tool.
 */
public final class ToolRules {

  /** A state found: its reason and what to do; {@code stop}: stop the tool now, it will not end. */
  public record Finding(Tool tool, Reason reason, String message, boolean stop) {}

  private ToolRules() {}

  // Flyway (flyway-core's ValidateResult / ErrorCode texts, as its CLI prints them).
  private static final Pattern FLYWAY_FAILED =
      Pattern.compile(
          "Detected failed (?:repeatable )?migration(?: to version)?:? ?([^ ]+?) \\((.*)\\)");
  private static final Pattern FLYWAY_CHECKSUM =
      Pattern.compile("Migration checksum mismatch for migration (?:version )?(\\S+)");
  private static final Pattern FLYWAY_NOT_RESOLVED =
      Pattern.compile("Detected applied migration not resolved locally: ([^ .]+(?:\\.[^ .]+)*)");
  private static final Pattern FLYWAY_NOT_APPLIED =
      Pattern.compile(
          "Detected resolved migration not applied to database: ([^ .]+(?:\\.[^ .]+)*)");

  // Liquibase (StandardLockService).
  private static final Pattern LIQUIBASE_WAITING = Pattern.compile("Waiting for changelog lock");
  private static final Pattern LIQUIBASE_LOCKED_BY =
      Pattern.compile("Could not acquire change ?log lock\\.\\s+Currently locked by (.+)");

  // golang-migrate (migrate.go, ErrDirty).
  private static final Pattern MIGRATE_DIRTY =
      Pattern.compile("Dirty database version (-?\\d+)\\. Fix and force version\\.");

  /** How many of Liquibase's lock waits (one every 10 s) make its lock stale: 20 s. */
  static final int LOCK_WAITS = 3;

  /** Whether {@code line} is Liquibase saying it waits for its lock. */
  static boolean liquibaseWaits(String line) {
    return LIQUIBASE_WAITING.matcher(line).find();
  }

  /**
   * The state a single line says, for {@code tool}, or for every tool when {@code tool} is null
   * (not known yet): the patterns are the tools' own, and do not overlap.
   */
  static Optional<Finding> read(Tool tool, String line) {
    if (tool == null || tool == Tool.FLYWAY) {
      Matcher m = FLYWAY_FAILED.matcher(line);
      if (m.find()) {
        return Optional.of(flywayFailed("version " + m.group(1), m.group(2), ""));
      }
      for (Pattern p : new Pattern[] {FLYWAY_CHECKSUM, FLYWAY_NOT_RESOLVED, FLYWAY_NOT_APPLIED}) {
        Matcher v = p.matcher(line);
        if (v.find()) {
          return Optional.of(
              new Finding(
                  Tool.FLYWAY,
                  Reason.TOOL_VALIDATION_FAILED,
                  "Flyway refused to migrate: "
                      + line.strip().replaceFirst("^ERROR: ", "")
                      + ". The migrations in the image differ from those applied to the database",
                  false));
        }
      }
    }
    if (tool == null || tool == Tool.LIQUIBASE) {
      Matcher m = LIQUIBASE_LOCKED_BY.matcher(line);
      if (m.find()) {
        return Optional.of(staleLock("; it is locked by " + m.group(1).strip()));
      }
    }
    if (tool == null || tool == Tool.GOLANG_MIGRATE) {
      Matcher m = MIGRATE_DIRTY.matcher(line);
      if (m.find()) {
        return Optional.of(dirty(m.group(1)));
      }
    }
    return Optional.empty();
  }

  /**
   * A failed Flyway migration in its history table: {@code what} is {@code version N} or {@code
   * repeatable}; {@code when} says when it was recorded, or is empty.
   */
  static Finding flywayFailed(String what, String description, String when) {
    return new Finding(
        Tool.FLYWAY,
        Reason.TOOL_FAILED_MIGRATION,
        "Flyway found a failed migration to "
            + what
            + " ("
            + description
            + ")"
            + when
            + " in flyway_schema_history: an earlier run applied part of it and stopped. Remove"
            + " what it applied by hand, then run `flyway repair` (it deletes the failed row) and"
            + " start a new attempt",
        false);
  }

  /** golang-migrate's version left dirty by a migration that failed half way. */
  static Finding dirty(String version) {
    return new Finding(
        Tool.GOLANG_MIGRATE,
        Reason.DIRTY_DATABASE,
        "golang-migrate found version "
            + version
            + " dirty: a migration to it failed half way. Fix the schema by hand, then run"
            + " `migrate force "
            + version
            + "` if version "
            + version
            + " is now fully applied, or force the version before it if not (force only sets the"
            + " version, it runs nothing); then start a new attempt",
        false);
  }

  /** Liquibase's changelog lock, held while kubemigrate holds the app's lock: stale. */
  static Finding staleLock(String holder) {
    return new Finding(
        Tool.LIQUIBASE,
        Reason.STALE_TOOL_LOCK,
        "Liquibase waits for its changelog lock (DATABASECHANGELOGLOCK)"
            + holder
            + ", while kubemigrate holds this app's lock: no run of the app holds it, a run that"
            + " died left it (unless another app migrates the same database: give both one"
            + " --lock). Release it with `liquibase release-locks`, then start a new attempt",
        true);
  }
}
