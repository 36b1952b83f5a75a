package dev.kubemigrate.tool;

import dev.kubemigrate.api.Tool;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where the schema stood before a run and where it stands after, as the tool says it: Flyway's
 * schema version ({@code Current version of schema "public": 1}, {@code … now at version v3}),
 * Liquibase's changesets ({@code Previously run: 4}, {@code Run: 2}: 4 → 6 changesets),
 * golang-migrate's version ({@code 3/u add_orders (12.3ms)}). Pure; lines in order.
 */
public final class SchemaProgress {

  /** The schema before and after, as the tool words its versions; either may be null. */
  public record Schema(String before, String after) {}

  private static final Pattern FLYWAY_CURRENT =
      Pattern.compile("^Current version of schema [\"`].*[\"`]: (.+)$");
  private static final Pattern FLYWAY_APPLIED =
      Pattern.compile(
          "^Successfully applied \\d+ migrations? to schema [\"`].*[\"`], now at version v?(\\S+)");
  private static final Pattern FLYWAY_UP_TO_DATE =
      Pattern.compile("^Schema [\"`].*[\"`] is up to date\\. No migration necessary\\.");
  private static final Pattern LIQUIBASE_RUN = Pattern.compile("^Run:\\s+(\\d+)\\s*$");
  private static final Pattern LIQUIBASE_PREVIOUS =
      Pattern.compile("^Previously run:\\s+(\\d+)\\s*$");
  private static final Pattern MIGRATE_UP = Pattern.compile("^(\\d+)/u \\S+");

  private String before;
  private String after;
  private Integer liquibaseRun;
  private Integer liquibasePrevious;

  void accept(Tool tool, String line) {
    String l = line.strip();
    if (tool == null || tool == Tool.FLYWAY) {
      Matcher m = FLYWAY_CURRENT.matcher(l);
      if (m.find()) {
        before = flywayVersion(m.group(1));
        return;
      }
      m = FLYWAY_APPLIED.matcher(l);
      if (m.find()) {
        after = m.group(1);
        return;
      }
      if (FLYWAY_UP_TO_DATE.matcher(l).find()) {
        after = before;
        return;
      }
    }
    if (tool == null || tool == Tool.LIQUIBASE) {
      Matcher m = LIQUIBASE_RUN.matcher(l);
      if (m.find()) {
        liquibaseRun = Integer.parseInt(m.group(1));
        return;
      }
      m = LIQUIBASE_PREVIOUS.matcher(l);
      if (m.find()) {
        liquibasePrevious = Integer.parseInt(m.group(1));
        return;
      }
    }
    if (tool == null || tool == Tool.GOLANG_MIGRATE) {
      Matcher m = MIGRATE_UP.matcher(l);
      if (m.find()) {
        after = m.group(1);
      }
    }
  }

  Optional<Schema> schema() {
    if (liquibasePrevious != null) {
      int run = liquibaseRun == null ? 0 : liquibaseRun;
      return Optional.of(
          new Schema(changesets(liquibasePrevious), changesets(liquibasePrevious + run)));
    }
    return before == null && after == null
        ? Optional.empty()
        : Optional.of(new Schema(before, after));
  }

  private static String changesets(int n) {
    return n + (n == 1 ? " changeset" : " changesets");
  }

  private static String flywayVersion(String v) {
    return v.contains("Empty Schema") ? "empty" : v.strip();
  }
}
