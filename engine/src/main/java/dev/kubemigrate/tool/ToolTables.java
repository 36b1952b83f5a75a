package dev.kubemigrate.tool;

import dev.kubemigrate.api.DatabaseAddress;
import dev.kubemigrate.api.DatabaseAddress.Kind;
import dev.kubemigrate.api.RunListener;
import dev.kubemigrate.api.RunOutcome;
import dev.kubemigrate.api.Tool;
import dev.kubemigrate.database.Jdbc;
import dev.kubemigrate.database.JdbcTarget;
import dev.kubemigrate.tool.ToolRules.Finding;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Before `exec` starts a migration tool: reads the tool's own table, read-only, for the states that
 * would stop it (a failed Flyway row, a held Liquibase lock, a dirty golang-migrate version), and
 * stops with the same reason as the tool's own words would give ({@link ToolRules}), before the
 * tool even starts. `exec` holds the app's lock while it reads, so no run of the app is active: a
 * Liquibase lock held now is stale.
 *
 * <p>One SELECT per check, and only of the tool in use: {@link #query} says which (the README
 * quotes them). A table that is not there means the tool never ran on this database: nothing to
 * find. A database it cannot read (no password in the environment, no grant) is said in one line,
 * and the tool runs: it says what is wrong in its own words.
 */
public final class ToolTables {

  private ToolTables() {}

  /** The table a tool keeps its state in, and the SELECT that reads it. */
  public record Query(Tool tool, String table, String sql) {}

  private static final Pattern PLAIN_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_$]*");

  /**
   * The SELECT for {@code tool}'s table on a {@code kind} server, with the table's name and schema
   * as the tool reads them from its settings (command options first, then its variables); empty
   * when a name is not a plain SQL name (it is not quoted into SQL).
   */
  public static Optional<Query> query(
      Tool tool, Kind kind, List<String> command, Map<String, String> env) {
    String table;
    String schema;
    String sql;
    boolean foldsOnPostgres = false;
    switch (tool) {
      case FLYWAY -> {
        table = setting(command, "-table", env, "FLYWAY_TABLE", "flyway_schema_history");
        String schemas = setting(command, "-schemas", env, "FLYWAY_SCHEMAS", null);
        schema =
            setting(
                command,
                "-defaultSchema",
                env,
                "FLYWAY_DEFAULT_SCHEMA",
                schemas == null ? null : schemas.split(",")[0].strip());
        sql =
            "SELECT version, description, installed_on FROM %s WHERE NOT success"
                + " ORDER BY installed_rank";
      }
      case LIQUIBASE -> {
        table =
            setting(
                command,
                "--database-changelog-lock-table-name",
                env,
                "LIQUIBASE_COMMAND_DATABASE_CHANGELOG_LOCK_TABLE_NAME",
                "DATABASECHANGELOGLOCK");
        schema =
            setting(
                command,
                "--liquibase-schema-name",
                env,
                "LIQUIBASE_COMMAND_LIQUIBASE_SCHEMA_NAME",
                setting(
                    command,
                    "--default-schema-name",
                    env,
                    "LIQUIBASE_COMMAND_DEFAULT_SCHEMA_NAME",
                    null));
        // Liquibase does not quote its names: PostgreSQL folds them to lower case.
        foldsOnPostgres = true;
        sql = "SELECT locked, lockgranted, lockedby FROM %s WHERE id = 1";
      }
      case GOLANG_MIGRATE -> {
        String named =
            DatabaseAddress.named(null, command, env).map(DatabaseAddress.Named::url).orElse("");
        table = parameter(named, "x-migrations-table", "schema_migrations");
        schema = null;
        sql = "SELECT version, dirty FROM %s";
      }
      default -> {
        return Optional.empty();
      }
    }
    if (!PLAIN_NAME.matcher(table).matches()
        || (schema != null && !PLAIN_NAME.matcher(schema).matches())) {
      return Optional.empty();
    }
    String name =
        (schema == null ? "" : quote(schema, kind, foldsOnPostgres) + ".")
            + quote(table, kind, foldsOnPostgres);
    return Optional.of(new Query(tool, table, String.format(Locale.ROOT, sql, name)));
  }

  private static String quote(String name, Kind kind, boolean foldsOnPostgres) {
    if (kind == Kind.MYSQL) {
      return "`" + name + "`";
    }
    return foldsOnPostgres ? name.toLowerCase(Locale.ROOT) : "\"" + name + "\"";
  }

  private static String setting(
      List<String> command, String option, Map<String, String> env, String variable, String def) {
    Optional<String> given = DatabaseAddress.option(command, option);
    if (given.isPresent() && !given.get().isBlank()) {
      return given.get().strip();
    }
    String value = env.get(variable);
    return value == null || value.isBlank() ? def : value.strip();
  }

  private static String parameter(String url, String name, String def) {
    int q = url.indexOf('?');
    if (q >= 0) {
      for (String pair : url.substring(q + 1).split("&")) {
        if (pair.startsWith(name + "=") && pair.length() > name.length() + 1) {
          return pair.substring(name.length() + 1);
        }
      }
    }
    return def;
  }

  /** A failed row of Flyway's history table. */
  public record FailedRow(String version, String description, String installedOn) {}

  /** Flyway's failed rows, first applied first → the first one, as Flyway itself would name it. */
  static Optional<Finding> flyway(List<FailedRow> failed) {
    if (failed.isEmpty()) {
      return Optional.empty();
    }
    FailedRow row = failed.get(0);
    return Optional.of(
        ToolRules.flywayFailed(
            row.version() == null ? "a repeatable migration" : "version " + row.version(),
            row.description(),
            row.installedOn() == null ? "" : ", recorded at " + row.installedOn()));
  }

  /** Liquibase's lock row: held → stale (kubemigrate holds the app's lock). */
  static Optional<Finding> liquibase(boolean locked, String lockedBy, String granted) {
    if (!locked) {
      return Optional.empty();
    }
    String holder =
        (lockedBy == null ? "" : "; it is locked by " + lockedBy)
            + (granted == null
                ? ""
                : (lockedBy == null ? "; it is locked" : "") + " since " + granted);
    return Optional.of(ToolRules.staleLock(holder));
  }

  /** golang-migrate's version row: dirty → the version to fix. */
  static Optional<Finding> golangMigrate(long version, boolean dirty) {
    return dirty ? Optional.of(ToolRules.dirty(Long.toString(version))) : Optional.empty();
  }

  /**
   * Before {@code tool} runs: reads its table. Empty when nothing would stop it, when the tool is
   * not known, or when the table cannot be read (said); else the outcome with the finding's reason,
   * nothing ran and nothing recorded. {@code what} names the migration.
   */
  public static Optional<RunOutcome> beforeMigration(
      String what,
      Optional<Tool> tool,
      JdbcTarget.Found found,
      List<String> command,
      Map<String, String> env,
      RunListener listener) {
    if (tool.isEmpty() || found.target().isEmpty()) {
      return Optional.empty();
    }
    JdbcTarget target = found.target().get();
    Optional<Query> query = query(tool.get(), target.address().kind(), command, env);
    if (query.isEmpty()) {
      listener.progress(
          "the name of " + tool.get().id() + "'s table is not a plain SQL name: not reading it");
      return Optional.empty();
    }
    Optional<Finding> finding;
    try {
      finding = read(query.get(), target);
    } catch (SQLException e) {
      if (missingTable(e)) {
        listener.progress(
            "no "
                + query.get().table()
                + " in "
                + target
                + " yet: "
                + tool.get().id()
                + " has not"
                + " run on this database");
      } else {
        listener.progress(
            "could not read "
                + query.get().table()
                + " in "
                + target
                + " ("
                + Jdbc.message(e, target)
                + "): "
                + tool.get().id()
                + " will say itself what stops it, if anything");
      }
      return Optional.empty();
    }
    if (finding.isEmpty()) {
      listener.progress(
          "read "
              + query.get().table()
              + " in "
              + target
              + ": "
              + switch (tool.get()) {
                case FLYWAY -> "no failed migration";
                case LIQUIBASE -> "the changelog lock is free";
                default -> "the version is clean";
              });
      return Optional.empty();
    }
    Finding f = finding.get();
    return Optional.of(
        RunOutcome.stopped(
            f.reason(),
            RunOutcome.How.REFUSED,
            null,
            what
                + " did not start: "
                + f.message()
                + " (read from "
                + query.get().table()
                + " before "
                + tool.get().id()
                + " started; nothing ran)"));
  }

  /** Runs the query: I/O. */
  static Optional<Finding> read(Query query, JdbcTarget target) throws SQLException {
    try (Connection c = Jdbc.open(target);
        Statement s = c.createStatement()) {
      s.setQueryTimeout(10);
      try (ResultSet rs = s.executeQuery(query.sql())) {
        switch (query.tool()) {
          case FLYWAY -> {
            List<FailedRow> failed = new ArrayList<>();
            while (rs.next()) {
              failed.add(new FailedRow(rs.getString(1), rs.getString(2), time(rs.getString(3))));
            }
            return flyway(failed);
          }
          case LIQUIBASE -> {
            return rs.next()
                ? liquibase(rs.getBoolean(1), rs.getString(3), time(rs.getString(2)))
                : Optional.empty();
          }
          default -> {
            return rs.next() ? golangMigrate(rs.getLong(1), rs.getBoolean(2)) : Optional.empty();
          }
        }
      }
    }
  }

  /** A timestamp as the database prints it, to the second: the database's own time zone. */
  private static String time(String t) {
    return t == null ? null : t.replaceFirst("\\.\\d+$", "");
  }

  /** PostgreSQL's undefined_table, MySQL's and MariaDB's ER_NO_SUCH_TABLE. */
  static boolean missingTable(SQLException e) {
    return "42P01".equals(e.getSQLState()) || "42S02".equals(e.getSQLState());
  }
}
