package dev.kubemigrate.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kubemigrate.api.DatabaseAddress.Kind;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DatabaseAddressTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        // url | kind | hosts | database | user
        "jdbc:postgresql://db.shop:5433/shop | POSTGRESQL | db.shop:5433 | shop | ",
        "jdbc:postgresql://db.shop/shop?user=flyway&password=s3cret | POSTGRESQL | db.shop:5432 | shop"
            + " | flyway",
        "jdbc:postgresql://a:5432,b:5433/shop | POSTGRESQL | a:5432,b:5433 | shop | ",
        "jdbc:postgresql://[::1]:6432/shop | POSTGRESQL | [::1]:6432 | shop | ",
        "jdbc:postgresql:shop | POSTGRESQL | localhost:5432 | shop | ",
        "jdbc:postgresql:///shop | POSTGRESQL | localhost:5432 | shop | ",
        "jdbc:mysql://db:3307/shop | MYSQL | db:3307 | shop | ",
        "jdbc:mariadb://db/shop?user=app | MYSQL | db:3306 | shop | app",
        "jdbc:mysql:loadbalance://a,b/shop | MYSQL | a:3306,b:3306 | shop | ",
        "jdbc:sqlserver://db:1444;databaseName=shop;user=sa;password=x | SQLSERVER | db:1444 | shop"
            + " | sa",
        "jdbc:sqlserver://db;databaseName=shop | SQLSERVER | db:1433 | shop | ",
        "jdbc:oracle:thin:@db:1522:ORCL | ORACLE | db:1522 | ORCL | ",
        "jdbc:oracle:thin:@//db/shop | ORACLE | db:1521 | shop | ",
        "postgres://migrate:s3cret@db.shop:5432/shop?sslmode=disable | POSTGRESQL | db.shop:5432 |"
            + " shop | migrate",
        "postgresql://db.shop/shop | POSTGRESQL | db.shop:5432 | shop | ",
        "pgx5://u@db/shop | POSTGRESQL | db:5432 | shop | u",
        "cockroachdb://root@crdb/defaultdb | POSTGRESQL | crdb:26257 | defaultdb | root",
        "postgres:///shop?host=db.shop | POSTGRESQL | db.shop:5432 | shop | ",
        "mysql://user:pa%40ss@tcp(db:3306)/shop?multiStatements=true | MYSQL | db:3306 | shop |"
            + " user",
        "mysql://user:pass@db:3310/shop | MYSQL | db:3310 | shop | user",
        "mariadb://db/shop | MYSQL | db:3306 | shop | ",
        "sqlserver://sa:x@db:1433?database=shop | SQLSERVER | db:1433 | | sa",
        "tcp://10.0.0.5:9042 | TCP | 10.0.0.5:9042 | | ",
      })
  @DisplayName("Every address form a migration tool takes is read: kind, hosts, database, user")
  void readsEveryForm(String url, Kind kind, String hosts, String database, String user) {
    // When
    DatabaseAddress a = DatabaseAddress.parse(url, "--db", null).address().orElseThrow();
    // Then
    assertThat(a.kind()).isEqualTo(kind);
    assertThat(String.join(",", a.hosts().stream().map(Object::toString).toList()))
        .isEqualTo(hosts);
    assertThat(a.database()).isEqualTo(database);
    assertThat(a.user()).isEqualTo(user);
    assertThat(a.describe())
        .doesNotContain("s3cret")
        .doesNotContain("pa%40ss")
        .doesNotContain("pass");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "jdbc:h2:mem:test",
        "jdbc:sqlite:/data/app.db",
        "sqlite3:///data/app.db",
        "postgres:///shop?host=/var/run/postgresql",
        "postgres://u@/shop",
        "mysql://u:p@unix(/run/mysqld.sock)/shop"
      })
  @DisplayName("A file, an in-memory database or a Unix socket is nothing to wait for, and says so")
  void filesAndSocketsAreNotWaitedFor(String url) {
    DatabaseAddress.Lookup lookup = DatabaseAddress.parse(url, "DATABASE_URL", null);
    assertThat(lookup.address()).isEmpty();
    assertThat(lookup.note()).contains("DATABASE_URL").contains("not");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "db.shop:5432",
        "jdbc:postgresql://db:0/shop",
        "jdbc:postgresql://db:99999/shop",
        "jdbc:postgresql://db:port/shop",
        "jdbc:foo://db/shop",
        "jdbc:nodriver",
        "mongodb://u:s3cret@db/shop",
        "tcp://db",
        "jdbc:postgresql://db,/shop",
        "jdbc:postgresql://[::1/shop",
        "jdbc:postgresql://db shop/x",
        "jdbc:sqlserver://db\\SQLEXPRESS;databaseName=x"
      })
  @DisplayName(
      "A --db that is no database address is refused (exit 2) naming the flag and what is accepted,"
          + " without its password")
  void badFlagIsAUsageError(String url) {
    assertThatThrownBy(() -> DatabaseAddress.find(url, List.of("flyway"), Map.of()))
        .isInstanceOfSatisfying(
            KubemigrateException.class,
            e -> {
              assertThat(e.exitCode()).isEqualTo(ExitCode.USAGE);
              assertThat(e.getMessage())
                  .startsWith("invalid database '")
                  .contains("(--db)")
                  .contains("use a JDBC URL")
                  .doesNotContain("s3cret");
            });
  }

  @Test
  @DisplayName(
      "--db first, then the command's own -url/--url/-database or URL argument, then FLYWAY_URL,"
          + " LIQUIBASE_COMMAND_URL, DATABASE_URL, PGHOST")
  void findsInOrder() {
    Map<String, String> env =
        Map.of(
            "FLYWAY_URL", "jdbc:postgresql://flyway-db/shop",
            "FLYWAY_USER", "fly",
            "LIQUIBASE_COMMAND_URL", "jdbc:mysql://liquibase-db/shop",
            "DATABASE_URL", "postgres://url-db/shop",
            "PGHOST", "pg-db");
    assertThat(source(DatabaseAddress.find("tcp://flag-db:1", List.of("flyway", "migrate"), env)))
        .isEqualTo("flag-db:1 from --db");
    assertThat(
            source(
                DatabaseAddress.find(
                    null, List.of("flyway", "-url=jdbc:postgresql://arg-db/x", "migrate"), env)))
        .isEqualTo("arg-db:5432 from the command's -url");
    assertThat(
            source(
                DatabaseAddress.find(
                    null, List.of("liquibase", "--url", "jdbc:mariadb://arg-db/x", "update"), env)))
        .isEqualTo("arg-db:3306 from the command's --url");
    assertThat(
            source(
                DatabaseAddress.find(
                    null,
                    List.of("migrate", "-path", "/m", "-database", "postgres://arg-db/x", "up"),
                    env)))
        .isEqualTo("arg-db:5432 from the command's -database");
    assertThat(
            source(
                DatabaseAddress.find(
                    null, List.of("psql", "postgresql://arg-db/x", "-f", "m.sql"), env)))
        .isEqualTo("arg-db:5432 from an argument of the command");
    assertThat(source(DatabaseAddress.find(null, List.of("flyway", "migrate"), env)))
        .isEqualTo("flyway-db:5432 from FLYWAY_URL");
    assertThat(DatabaseAddress.find(null, List.of("flyway"), env).address().orElseThrow().user())
        .isEqualTo("fly");
    assertThat(
            source(
                DatabaseAddress.find(
                    null, List.of("liquibase", "update"), without(env, "FLYWAY_URL"))))
        .isEqualTo("liquibase-db:3306 from LIQUIBASE_COMMAND_URL");
    assertThat(
            source(
                DatabaseAddress.find(
                    null,
                    List.of("migrate", "up"),
                    without(env, "FLYWAY_URL", "LIQUIBASE_COMMAND_URL"))))
        .isEqualTo("url-db:5432 from DATABASE_URL");
    assertThat(
            source(
                DatabaseAddress.find(
                    null,
                    List.of("sh", "migrate.sh"),
                    Map.of("PGHOST", "a,b", "PGPORT", "6432", "PGUSER", "app"))))
        .isEqualTo("a:6432,b:6432 from PGHOST");
  }

  @Test
  @DisplayName(
      "Nothing named, or a setting it cannot read, is a note, not an error: the tool decides")
  void nothingFoundIsANote() {
    DatabaseAddress.Lookup none = DatabaseAddress.find(null, List.of("sh", "-c", "true"), Map.of());
    assertThat(none.address()).isEmpty();
    assertThat(none.note()).contains("no database named").contains("FLYWAY_URL");
    DatabaseAddress.Lookup unread =
        DatabaseAddress.find(
            null, List.of("flyway", "migrate"), Map.of("FLYWAY_URL", "mongodb://u:s3cret@db/x"));
    assertThat(unread.address()).isEmpty();
    assertThat(unread.note()).contains("FLYWAY_URL").doesNotContain("s3cret");
    assertThat(DatabaseAddress.find(null, List.of("x"), Map.of("PGHOST", "/run/postgresql")).note())
        .contains("Unix socket");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "postgres://u:s3cret@db/x | postgres://u:***@db/x",
        "jdbc:postgresql://db/x?user=u&password=s3cret&ssl=true |"
            + " jdbc:postgresql://db/x?user=u&password=***&ssl=true",
        "jdbc:sqlserver://db;user=sa;password=s3cret | jdbc:sqlserver://db;user=sa;password=***",
        "mysql://u:s3cret@tcp(db:3306)/x | mysql://u:***@tcp(db:3306)/x",
        "jdbc:mysql://u:s3cret@db/x | jdbc:mysql://u:***@db/x",
      })
  @DisplayName("A URL shown in a message has its password replaced, in every place a URL keeps one")
  void masksPasswords(String url, String shown) {
    assertThat(DatabaseAddress.masked(url)).isEqualTo(shown);
  }

  private static String source(DatabaseAddress.Lookup lookup) {
    DatabaseAddress a = lookup.address().orElseThrow(() -> new AssertionError(lookup.note()));
    return String.join(",", a.hosts().stream().map(Object::toString).toList())
        + " from "
        + a.source();
  }

  private static Map<String, String> without(Map<String, String> env, String... keys) {
    Map<String, String> copy = new java.util.HashMap<>(env);
    for (String k : keys) {
      copy.remove(k);
    }
    return copy;
  }
}
