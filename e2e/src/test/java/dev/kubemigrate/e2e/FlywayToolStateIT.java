package dev.kubemigrate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Flyway 11.8.2 itself (the Flyway images) and the state it leaves in flyway_schema_history: a
 * migration that fails half way on MariaDB, whose DDL is not transactional, and a failed row on
 * PostgreSQL, where Flyway OSS leaves none itself (its DDL rolls back), made by hand as an older
 * Flyway or another database's would leave it.
 */
@ExtendWith(LocalCluster.class)
class FlywayToolStateIT {

  private static final Map<String, String> HALF_FAILING =
      Map.of("FLYWAY_LOCATIONS", "filesystem:/flyway/half-failing");

  @Test
  @DisplayName(
      "MariaDB: a migration that fails half way leaves its failed row; the next run names the"
          + " version and flyway repair, and exec stops before Flyway starts")
  void halfAppliedOnMariaDb(Kubemigrate km, TestNamespace ns, KubernetesClient client, MariaDb db)
      throws Exception {
    ServiceAccounts.applyRbac(client, ns.name(), "exec");
    client.secrets().inNamespace(ns.name()).resource(db.flywaySecret("db")).create();

    // Given a release whose V2 fails after its first statement
    Kubemigrate.Result failed = km.run(flywayRun(ns, "1").build());
    assertThat(failed.exitCode()).as(failed.toString()).isEqualTo(1);
    // it left its first table, and a failed row for version 2
    try (Connection c = db.connect();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT (SELECT count(*) FROM information_schema.tables WHERE table_schema ="
                    + " DATABASE() AND table_name = 'orders'), (SELECT count(*) FROM"
                    + " flyway_schema_history WHERE version = '2' AND NOT success)")) {
      rs.next();
      assertThat(rs.getInt(1)).as("orders created").isEqualTo(1);
      assertThat(rs.getInt(2)).as("failed row of version 2").isEqualTo(1);
    }

    // When the next release runs Flyway
    Kubemigrate.Result next = km.run(flywayRun(ns, "2").build());
    // Then it names the failed version and the repair
    assertThat(next.exitCode()).as(next.toString()).isEqualTo(1);
    assertThat(next.stderr())
        .contains("Flyway found a failed migration to version 2 (add orders)")
        .contains("flyway repair")
        .contains("hint (FailedMigrationRecorded)");

    // And exec in an app's pod stops before Flyway starts, from the row itself
    ExecPods.Ended exec = exec(client, ns, "3");
    assertThat(exec.exitCode()).as(exec.log()).isEqualTo(1);
    assertThat(exec.log())
        .contains("Flyway found a failed migration to version 2 (add orders), recorded at 20")
        .contains("read from flyway_schema_history before flyway started; nothing ran")
        .doesNotContain("Flyway OSS Edition");
    assertThat(Records.all(client, ns)).noneMatch(r -> "3".equals(r.getData().get("version")));
  }

  @Test
  @DisplayName(
      "PostgreSQL: exec finds a failed row in flyway_schema_history before Flyway starts; once the"
          + " row is repaired, the same version runs")
  void execFindsAFailedRowOnPostgres(TestNamespace ns, KubernetesClient client, Postgres db)
      throws Exception {
    ServiceAccounts.applyRbac(client, ns.name(), "exec");
    client.secrets().inNamespace(ns.name()).resource(db.flywaySecret("db")).create();
    // Given Flyway's table with the example's V1 applied and a failed V2 row
    ExecPods.Ended first = exec(client, ns, "1", Map.of("FLYWAY_TARGET", "1"), "shop-exec-1");
    assertThat(first.exitCode()).as(first.log()).isZero();
    try (Connection c = db.connect();
        Statement s = c.createStatement()) {
      s.execute(
          "INSERT INTO flyway_schema_history (installed_rank, version, description, type, script,"
              + " checksum, installed_by, execution_time, success) VALUES (2, '2', 'seed"
              + " customers', 'SQL', 'V2__seed_customers.sql', 0, 'app', 3, false)");
    }
    // When a replica's exec runs the next version
    ExecPods.Ended stopped = exec(client, ns, "2", Map.of(), "shop-exec-2");
    // Then it stops before Flyway starts, and records nothing
    assertThat(stopped.exitCode()).as(stopped.log()).isEqualTo(1);
    assertThat(stopped.log())
        .contains("Flyway found a failed migration to version 2 (seed customers)")
        .contains("read from flyway_schema_history before flyway started; nothing ran")
        .doesNotContain("Flyway OSS Edition")
        .doesNotContain("FLYWAY_PASSWORD")
        .doesNotContain("password=");
    assertThat(Records.all(client, ns)).noneMatch(r -> "2".equals(r.getData().get("version")));
    // And once the row is repaired (what `flyway repair` does to it), the same version runs
    try (Connection c = db.connect();
        Statement s = c.createStatement()) {
      s.execute("DELETE FROM flyway_schema_history WHERE NOT success");
    }
    ExecPods.Ended again = exec(client, ns, "2", Map.of(), "shop-exec-3");
    assertThat(again.exitCode()).as(again.log()).isZero();
    assertThat(again.log())
        .contains("read flyway_schema_history in PostgreSQL")
        .contains("no failed migration");
    assertThat(db.count("SELECT count(*) FROM flyway_schema_history WHERE success")).isEqualTo(3);
  }

  private static Args flywayRun(TestNamespace ns, String version) {
    return Args.run(ns, "shop")
        .version(version)
        .image(Images.FLYWAY)
        .neverPull()
        .option("--env-from", "secret/db")
        .option("--env", "FLYWAY_LOCATIONS=filesystem:/flyway/half-failing");
  }

  private static ExecPods.Ended exec(KubernetesClient client, TestNamespace ns, String version) {
    return exec(client, ns, version, HALF_FAILING, "shop-exec-" + version);
  }

  private static ExecPods.Ended exec(
      KubernetesClient client,
      TestNamespace ns,
      String version,
      Map<String, String> env,
      String pod) {
    return ExecPods.run(
        client,
        ns,
        pod,
        Images.FLYWAY_KUBEMIGRATE,
        "db",
        env,
        List.of(
            "kubemigrate",
            "exec",
            "--app",
            "shop",
            "--version",
            version,
            "--",
            "/flyway/flyway",
            "migrate"));
  }
}
