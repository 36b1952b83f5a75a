package dev.kubemigrate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubemigrate.api.Reason;
import dev.kubemigrate.api.RunListener;
import dev.kubemigrate.api.RunOutcome;
import dev.kubemigrate.api.Tool;
import dev.kubemigrate.database.JdbcTarget;
import dev.kubemigrate.tool.ToolTables;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The SELECTs that `exec` runs before a migration tool starts ({@link ToolTables}), against real
 * PostgreSQL 15 and MariaDB 10.11 tables shaped as each tool creates them (the DDL of Flyway
 * 11.8.2, Liquibase 4.33.0 and golang-migrate), each tool's state that stops it and its clean
 * state, through the login read from the tool's own variables. The tools' own tables, made by the
 * tools, are read on the cluster in LiquibaseIT and FlywayMariaDbIT.
 */
@ExtendWith(LocalCluster.class)
class ToolTablesIT {

  /** One server: its kind's DDL, its URL for the tools' variables, a statement runner. */
  private record Server(String name, String url, SqlRunner sql, boolean mysql) {}

  @FunctionalInterface
  private interface SqlRunner {
    Connection connect() throws SQLException;
  }

  @Test
  @DisplayName("PostgreSQL: a failed Flyway row, a held Liquibase lock and a dirty version stop")
  void postgres(Postgres db) throws SQLException {
    everyState(new Server("PostgreSQL", db.localUrl(), db::connect, false));
  }

  @Test
  @DisplayName("MariaDB: a failed Flyway row, a held Liquibase lock and a dirty version stop")
  void mariaDb(MariaDb db) throws SQLException {
    everyState(new Server("MySQL/MariaDB", db.localUrl(), db::connect, true));
  }

  private void everyState(Server server) throws SQLException {
    Map<String, String> flyway =
        Map.of("FLYWAY_URL", server.url(), "FLYWAY_USER", "app", "FLYWAY_PASSWORD", "app");
    Map<String, String> liquibase =
        Map.of(
            "LIQUIBASE_COMMAND_URL", server.url(),
            "LIQUIBASE_COMMAND_USERNAME", "app",
            "LIQUIBASE_COMMAND_PASSWORD", "app");
    // golang-migrate's URL form, its password in the URL
    String hostPort = server.url().replaceFirst("^jdbc:[a-z]+://", "").replaceFirst("/.*", "");
    String database = server.url().substring(server.url().lastIndexOf('/') + 1);
    Map<String, String> migrate =
        Map.of(
            "DATABASE_URL",
            server.mysql()
                ? "mysql://app:app@tcp(" + hostPort + ")/" + database
                : "postgres://app:app@" + hostPort + "/" + database + "?sslmode=disable");

    // No tables yet: each tool has not run here
    assertThat(check(Tool.FLYWAY, flyway).said())
        .singleElement()
        .asString()
        .startsWith("no flyway_schema_history in " + server.name());
    assertThat(check(Tool.LIQUIBASE, liquibase).said())
        .singleElement()
        .asString()
        .startsWith("no DATABASECHANGELOGLOCK in");
    assertThat(check(Tool.GOLANG_MIGRATE, migrate).said())
        .singleElement()
        .asString()
        .startsWith("no schema_migrations in");

    // The tables as the tools create them, in their clean states
    try (Connection c = server.sql().connect();
        Statement s = c.createStatement()) {
      String bool = server.mysql() ? "BOOL" : "BOOLEAN";
      s.execute(
          "CREATE TABLE flyway_schema_history (installed_rank INT NOT NULL PRIMARY KEY, version"
              + " VARCHAR(50), description VARCHAR(200) NOT NULL, type VARCHAR(20) NOT NULL,"
              + " script VARCHAR(1000) NOT NULL, checksum INT, installed_by VARCHAR(100) NOT NULL,"
              + " installed_on TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP, execution_time INT"
              + " NOT NULL, success "
              + bool
              + " NOT NULL)");
      s.execute(
          "INSERT INTO flyway_schema_history (installed_rank, version, description, type, script,"
              + " installed_by, execution_time, success) VALUES (1, '1', 'create carts', 'SQL',"
              + " 'V1__create_carts.sql', 'app', 5, TRUE)");
      s.execute(
          "CREATE TABLE "
              + (server.mysql() ? "DATABASECHANGELOGLOCK" : "databasechangeloglock")
              + " (ID INT NOT NULL PRIMARY KEY, LOCKED "
              + (server.mysql() ? "BIT(1)" : "BOOLEAN")
              + " NOT NULL, LOCKGRANTED TIMESTAMP NULL, LOCKEDBY VARCHAR(255))");
      s.execute(
          "INSERT INTO "
              + (server.mysql() ? "DATABASECHANGELOGLOCK" : "databasechangeloglock")
              + " VALUES (1, "
              + (server.mysql() ? "0" : "FALSE")
              + ", NULL, NULL)");
      s.execute(
          "CREATE TABLE schema_migrations (version BIGINT NOT NULL PRIMARY KEY, dirty "
              + bool
              + " NOT NULL)");
      s.execute("INSERT INTO schema_migrations VALUES (4, FALSE)");
    }
    assertThat(check(Tool.FLYWAY, flyway).said())
        .singleElement()
        .asString()
        .endsWith(": no failed migration");
    assertThat(check(Tool.LIQUIBASE, liquibase).said())
        .singleElement()
        .asString()
        .endsWith(": the changelog lock is free");
    assertThat(check(Tool.GOLANG_MIGRATE, migrate).said())
        .singleElement()
        .asString()
        .endsWith(": the version is clean");

    // The states that stop each tool
    try (Connection c = server.sql().connect();
        Statement s = c.createStatement()) {
      s.execute(
          "INSERT INTO flyway_schema_history (installed_rank, version, description, type, script,"
              + " installed_by, execution_time, success) VALUES (2, '2', 'add orders', 'SQL',"
              + " 'V2__add_orders.sql', 'app', 5, FALSE)");
      s.execute(
          "UPDATE "
              + (server.mysql() ? "DATABASECHANGELOGLOCK" : "databasechangeloglock")
              + " SET LOCKED = "
              + (server.mysql() ? "1" : "TRUE")
              + ", LOCKGRANTED = '2026-12-04 16:59:01', LOCKEDBY = 'shop-pre-1-x7k2p"
              + " (10.244.0.17)' WHERE ID = 1");
      s.execute("UPDATE schema_migrations SET version = 5, dirty = TRUE");
    }
    Checked f = check(Tool.FLYWAY, flyway);
    assertThat(f.outcome().orElseThrow().reason()).isEqualTo(Reason.TOOL_FAILED_MIGRATION);
    assertThat(f.outcome().get().summary())
        .contains("failed migration to version 2 (add orders), recorded at 20")
        .contains("flyway repair")
        .contains("read from flyway_schema_history before flyway started; nothing ran");
    Checked l = check(Tool.LIQUIBASE, liquibase);
    assertThat(l.outcome().orElseThrow().reason()).isEqualTo(Reason.STALE_TOOL_LOCK);
    assertThat(l.outcome().get().exitCode().code()).isEqualTo(3);
    assertThat(l.outcome().get().summary())
        .contains("locked by shop-pre-1-x7k2p (10.244.0.17) since 2026-12-04 16:59:01")
        .contains("liquibase release-locks");
    Checked m = check(Tool.GOLANG_MIGRATE, migrate);
    assertThat(m.outcome().orElseThrow().reason()).isEqualTo(Reason.DIRTY_DATABASE);
    assertThat(m.outcome().get().summary()).contains("version 5 dirty").contains("migrate force 5");

    // A wrong password: one line, the tool runs, the password is not in it
    Map<String, String> wrong = new java.util.HashMap<>(flyway);
    wrong.put("FLYWAY_PASSWORD", "not-the-password-x9");
    Checked w = check(Tool.FLYWAY, wrong);
    assertThat(w.outcome()).isEmpty();
    assertThat(w.said())
        .singleElement()
        .asString()
        .startsWith("could not read flyway_schema_history in " + server.name())
        .doesNotContain("not-the-password-x9");
  }

  private record Checked(Optional<RunOutcome> outcome, List<String> said) {}

  private static Checked check(Tool tool, Map<String, String> env) {
    List<String> command = List.of(tool == Tool.GOLANG_MIGRATE ? "migrate" : tool.id(), "up");
    List<String> said = new ArrayList<>();
    RunListener listener =
        new RunListener() {
          @Override
          public void progress(String line) {
            said.add(line);
          }

          @Override
          public void logLine(String pod, String line) {}
        };
    Optional<RunOutcome> outcome =
        ToolTables.beforeMigration(
            "shop 3",
            Optional.of(tool),
            JdbcTarget.find(null, command, env),
            command,
            env,
            listener);
    return new Checked(outcome, said);
  }
}
