package dev.kubemigrate.tool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubemigrate.api.DatabaseAddress.Kind;
import dev.kubemigrate.api.ExitCode;
import dev.kubemigrate.api.Reason;
import dev.kubemigrate.api.RunListener;
import dev.kubemigrate.api.RunOutcome;
import dev.kubemigrate.api.Tool;
import dev.kubemigrate.database.JdbcTarget;
import java.net.ServerSocket;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Which SELECT reads each tool's table, and what its rows mean: pure. The SELECTs against real
 * PostgreSQL and MariaDB tables are tried end to end (e2e ToolTablesIT).
 */
class ToolTablesTest {

  private static final List<String> NO_COMMAND = List.of("tool");

  @ParameterizedTest(name = "{0} on {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "FLYWAY|POSTGRESQL|SELECT version, description, installed_on FROM \"flyway_schema_history\""
            + " WHERE NOT success ORDER BY installed_rank",
        "FLYWAY|MYSQL|SELECT version, description, installed_on FROM `flyway_schema_history`"
            + " WHERE NOT success ORDER BY installed_rank",
        "LIQUIBASE|POSTGRESQL|SELECT locked, lockgranted, lockedby FROM databasechangeloglock"
            + " WHERE id = 1",
        "LIQUIBASE|MYSQL|SELECT locked, lockgranted, lockedby FROM `DATABASECHANGELOGLOCK`"
            + " WHERE id = 1",
        "GOLANG_MIGRATE|POSTGRESQL|SELECT version, dirty FROM \"schema_migrations\"",
        "GOLANG_MIGRATE|MYSQL|SELECT version, dirty FROM `schema_migrations`",
      })
  @DisplayName("Each tool's default table, named as the tool creates it on each server")
  void defaults(Tool tool, Kind kind, String sql) {
    assertThat(ToolTables.query(tool, kind, NO_COMMAND, Map.of()).orElseThrow().sql())
        .isEqualTo(sql);
  }

  @Test
  @DisplayName("The tools' own settings move the table: options first, then variables")
  void settings() {
    assertThat(
            ToolTables.query(
                    Tool.FLYWAY,
                    Kind.POSTGRESQL,
                    List.of("flyway", "-table=history", "migrate"),
                    Map.of("FLYWAY_TABLE", "other", "FLYWAY_SCHEMAS", "app,extra"))
                .orElseThrow()
                .sql())
        .contains("FROM \"app\".\"history\"");
    assertThat(
            ToolTables.query(
                    Tool.LIQUIBASE,
                    Kind.POSTGRESQL,
                    NO_COMMAND,
                    Map.of(
                        "LIQUIBASE_COMMAND_DATABASE_CHANGELOG_LOCK_TABLE_NAME", "LB_LOCK",
                        "LIQUIBASE_COMMAND_DEFAULT_SCHEMA_NAME", "App"))
                .orElseThrow()
                .sql())
        .contains("FROM app.lb_lock");
    assertThat(
            ToolTables.query(
                    Tool.GOLANG_MIGRATE,
                    Kind.MYSQL,
                    List.of("migrate", "-database", "mysql://u@tcp(db)/s?x-migrations-table=mig"),
                    Map.of())
                .orElseThrow()
                .sql())
        .contains("FROM `mig`");
  }

  @ParameterizedTest
  @CsvSource({"history;drop table x", "\"quoted\"", "a b", "1abc"})
  @DisplayName("A table name that is not a plain SQL name is never put into SQL")
  void notPlain(String table) {
    assertThat(
            ToolTables.query(
                Tool.FLYWAY, Kind.POSTGRESQL, NO_COMMAND, Map.of("FLYWAY_TABLE", table)))
        .isEmpty();
    assertThat(
            ToolTables.query(
                Tool.FLYWAY, Kind.POSTGRESQL, NO_COMMAND, Map.of("FLYWAY_DEFAULT_SCHEMA", table)))
        .isEmpty();
  }

  @Test
  @DisplayName("Flyway: the first failed row, as Flyway itself names it; a repeatable one too")
  void flywayRows() {
    assertThat(ToolTables.flyway(List.of())).isEmpty();
    ToolRules.Finding f =
        ToolTables.flyway(
                List.of(
                    new ToolTables.FailedRow("2", "add orders", "2026-12-04 17:05:37"),
                    new ToolTables.FailedRow("3", "later", null)))
            .orElseThrow();
    assertThat(f.reason()).isEqualTo(Reason.TOOL_FAILED_MIGRATION);
    assertThat(f.message())
        .contains("failed migration to version 2 (add orders), recorded at 2026-12-04 17:05:37")
        .contains("flyway repair");
    assertThat(
            ToolTables.flyway(List.of(new ToolTables.FailedRow(null, "views", null)))
                .orElseThrow()
                .message())
        .contains("failed migration to a repeatable migration (views)");
  }

  @Test
  @DisplayName(
      "Liquibase: a held lock is stale, with who holds it and since when; a free one is not")
  void liquibaseRow() {
    assertThat(ToolTables.liquibase(false, null, null)).isEmpty();
    ToolRules.Finding f =
        ToolTables.liquibase(true, "shop-pre-1-x7k2p (10.244.0.17)", "2026-12-04 16:59:01")
            .orElseThrow();
    assertThat(f.reason()).isEqualTo(Reason.STALE_TOOL_LOCK);
    assertThat(f.message())
        .contains("locked by shop-pre-1-x7k2p (10.244.0.17) since 2026-12-04 16:59:01")
        .contains("liquibase release-locks");
    assertThat(ToolTables.liquibase(true, null, "2026-12-04 16:59:01").orElseThrow().message())
        .contains("; it is locked since 2026-12-04 16:59:01");
  }

  @Test
  @DisplayName("golang-migrate: a dirty version names migrate force; a clean one is nothing")
  void golangMigrateRow() {
    assertThat(ToolTables.golangMigrate(3, false)).isEmpty();
    assertThat(ToolTables.golangMigrate(3, true).orElseThrow().message())
        .contains("version 3 dirty")
        .contains("migrate force 3");
  }

  @Test
  @DisplayName("Undefined table on PostgreSQL (42P01) and on MySQL/MariaDB (42S02): no table yet")
  void missingTable() {
    assertThat(ToolTables.missingTable(new SQLException("x", "42P01"))).isTrue();
    assertThat(ToolTables.missingTable(new SQLException("x", "42S02"))).isTrue();
    assertThat(ToolTables.missingTable(new SQLException("x", "28P01"))).isFalse();
  }

  @Test
  @DisplayName(
      "A database that cannot be read is said in one line, without the password, and the tool"
          + " runs")
  void unreadable() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort(); // closed again: nothing listens there
    }
    List<String> said = new ArrayList<>();
    Map<String, String> env =
        Map.of(
            "FLYWAY_URL", "jdbc:postgresql://127.0.0.1:" + port + "/shop",
            "FLYWAY_USER", "shop",
            "FLYWAY_PASSWORD", "s3cret-pw");
    List<String> command = List.of("/flyway/flyway", "migrate");
    Optional<RunOutcome> outcome =
        ToolTables.beforeMigration(
            "shop 1",
            Optional.of(Tool.FLYWAY),
            JdbcTarget.find(null, command, env),
            command,
            env,
            listener(said));
    assertThat(outcome).isEmpty();
    assertThat(said).hasSize(1);
    assertThat(said.get(0))
        .startsWith("could not read flyway_schema_history in PostgreSQL at 127.0.0.1:" + port)
        .contains("as shop")
        .contains("flyway will say itself")
        .doesNotContain("s3cret-pw");
  }

  @Test
  @DisplayName("A tool not known, or no database: nothing read, nothing said")
  void nothingToRead() {
    List<String> said = new ArrayList<>();
    Map<String, String> env = Map.of("FLYWAY_URL", "jdbc:postgresql://127.0.0.1:1/shop");
    assertThat(
            ToolTables.beforeMigration(
                "shop 1",
                Optional.empty(),
                JdbcTarget.find(null, NO_COMMAND, env),
                NO_COMMAND,
                env,
                listener(said)))
        .isEmpty();
    assertThat(
            ToolTables.beforeMigration(
                "shop 1",
                Optional.of(Tool.FLYWAY),
                JdbcTarget.find(null, NO_COMMAND, Map.of()),
                NO_COMMAND,
                Map.of(),
                listener(said)))
        .isEmpty();
    assertThat(said).isEmpty();
    assertThat(Reason.STALE_TOOL_LOCK.exitCode()).isEqualTo(ExitCode.COULD_NOT_START);
  }

  private static RunListener listener(List<String> said) {
    return new RunListener() {
      @Override
      public void progress(String line) {
        said.add(line);
      }

      @Override
      public void logLine(String pod, String line) {}
    };
  }
}
