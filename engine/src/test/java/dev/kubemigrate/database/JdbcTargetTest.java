package dev.kubemigrate.database;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubemigrate.api.DatabaseAddress.Kind;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JdbcTargetTest {

  private static JdbcTarget find(List<String> command, Map<String, String> env) {
    return JdbcTarget.find(null, command, env).target().orElseThrow();
  }

  @Test
  @DisplayName("Flyway's variables: the JDBC URL as given, FLYWAY_USER and FLYWAY_PASSWORD")
  void flywayVariables() {
    JdbcTarget t =
        find(
            List.of("/flyway/flyway", "migrate"),
            Map.of(
                "FLYWAY_URL", "jdbc:postgresql://db:5433/shop?sslmode=disable",
                "FLYWAY_USER", "shop",
                "FLYWAY_PASSWORD", "s3cret",
                "PGPASSWORD", "other"));
    assertThat(t.url()).isEqualTo("jdbc:postgresql://db:5433/shop?sslmode=disable");
    assertThat(t.user()).isEqualTo("shop");
    assertThat(t.password()).isEqualTo("s3cret");
    assertThat(t.address().kind()).isEqualTo(Kind.POSTGRESQL);
    assertThat(t.toString()).doesNotContain("s3cret").contains("db:5433/shop").contains("shop");
  }

  @Test
  @DisplayName("Liquibase's variables, and MySQL's JDBC URL read with MariaDB's driver")
  void liquibaseVariablesOnMysql() {
    JdbcTarget t =
        find(
            List.of("liquibase", "update"),
            Map.of(
                "LIQUIBASE_COMMAND_URL", "jdbc:mysql://db:3307/shop?useSSL=false",
                "LIQUIBASE_COMMAND_USERNAME", "lb",
                "LIQUIBASE_COMMAND_PASSWORD", "pw"));
    assertThat(t.url()).isEqualTo("jdbc:mariadb://db:3307/shop");
    assertThat(t.user()).isEqualTo("lb");
    assertThat(t.password()).isEqualTo("pw");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        // URL | expected JDBC URL | user | password
        "postgres://u:p%40ss@db/shop?sslmode=require|jdbc:postgresql://db:5432/shop?sslmode=require|u|p@ss",
        "mysql://u:pw@tcp(db:3306)/shop?x-migrations-table=m|jdbc:mariadb://db:3306/shop|u|pw",
        "jdbc:mariadb://db/shop?user=u&password=pw|jdbc:mariadb://db:3306/shop|u|pw",
        "cockroach://u@db/shop|jdbc:postgresql://db:26257/shop|u|",
      })
  @DisplayName("A URL's own user and password: golang-migrate's, DATABASE_URL's, JDBC parameters")
  void urlCredentials(String url, String jdbc, String user, String password) {
    JdbcTarget t = find(List.of("migrate", "-database", url, "up"), Map.of());
    assertThat(t.url()).isEqualTo(jdbc);
    assertThat(t.user()).isEqualTo(user);
    assertThat(t.password()).isEqualTo(password);
  }

  @Test
  @DisplayName("Flyway's and Liquibase's login options beside a URL in the command")
  void commandOptions() {
    JdbcTarget flyway =
        find(
            List.of(
                "flyway", "-url=jdbc:postgresql://db/shop", "-user=f", "-password=fp", "migrate"),
            Map.of());
    assertThat(flyway.user()).isEqualTo("f");
    assertThat(flyway.password()).isEqualTo("fp");
    JdbcTarget liquibase =
        find(
            List.of(
                "liquibase",
                "--url",
                "jdbc:postgresql://db/shop",
                "--username",
                "l",
                "--password=lp",
                "update"),
            Map.of());
    assertThat(liquibase.user()).isEqualTo("l");
    assertThat(liquibase.password()).isEqualTo("lp");
  }

  @Test
  @DisplayName("PostgreSQL's own variables: PGHOST, PGPORT, PGDATABASE, PGUSER, PGPASSWORD")
  void pgVariables() {
    JdbcTarget t =
        find(
            List.of("psql", "-f", "m.sql"),
            Map.of(
                "PGHOST",
                "db",
                "PGPORT",
                "6432",
                "PGDATABASE",
                "shop",
                "PGUSER",
                "p",
                "PGPASSWORD",
                "pp"));
    assertThat(t.url()).isEqualTo("jdbc:postgresql://db:6432/shop");
    assertThat(t.user()).isEqualTo("p");
    assertThat(t.password()).isEqualTo("pp");
  }

  @ParameterizedTest
  @CsvSource({"jdbc:sqlserver://db:1433;databaseName=shop", "jdbc:oracle:thin:@db:1521:SHOP"})
  @DisplayName("Servers whose drivers kubemigrate does not carry: not read, and said")
  void otherServers(String url) {
    JdbcTarget.Found found = JdbcTarget.find(url, List.of("flyway", "migrate"), Map.of());
    assertThat(found.target()).isEmpty();
    assertThat(found.note()).contains("reads the tables of PostgreSQL and MySQL/MariaDB only");
  }

  @Test
  @DisplayName("No database named: no target, and why")
  void none() {
    JdbcTarget.Found found = JdbcTarget.find(null, List.of("flyway", "migrate"), Map.of());
    assertThat(found.target()).isEmpty();
    assertThat(found.note()).contains("no database named");
  }
}
