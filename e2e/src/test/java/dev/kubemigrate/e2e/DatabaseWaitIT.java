package dev.kubemigrate.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * `run --wait-for-db`: the migration's pod waits for a real PostgreSQL that starts after it, in an
 * init container of kubemigrate's real image; and one that never comes ends the run with exit 3 and
 * nothing recorded. (`exec`'s wait: ExecIT.)
 */
@ExtendWith(LocalCluster.class)
class DatabaseWaitIT {

  @Test
  @DisplayName(
      "A Flyway migration whose PostgreSQL starts 20 s after its pod: the pod waits, then the"
          + " migration runs once and succeeds")
  void runWaitsForADatabaseThatStartsLater(
      Kubemigrate km, TestNamespace ns, KubernetesClient client, Postgres db) throws Exception {
    // Given a PostgreSQL server of its own, not started yet, named by the migration's FLYWAY_URL
    Scripts scripts = Scripts.ofProject();
    Path dir = Files.createTempDirectory("kubemigrate-late-pg");
    Postgres late = new Postgres(db.hostForPods(), LocalCluster.freePort(), "app", "app", "app");
    client.secrets().inNamespace(ns.name()).resource(late.flywaySecret("db")).create();
    try {
      // When the run starts
      Instant started = Instant.now();
      Kubemigrate.Running run = km.start(flywayRun(ns, "db").toArray(String[]::new));
      // and its pod says that it waits for the database
      await()
          .atMost(Duration.ofMinutes(1))
          .until(() -> run.stderrSoFar().contains("waits for the database to accept connections"));
      // and PostgreSQL starts 20 s after the run (the scenario's delay, not a wait for a state)
      Thread.sleep(
          Math.max(
              0,
              Duration.ofSeconds(20).minus(Duration.between(started, Instant.now())).toMillis()));
      scripts.run("local-postgres", "up", "--dir", dir.toString(), "--port", "" + late.port());
      Kubemigrate.Result result = run.await(Duration.ofMinutes(3));
      // Then the migration ran once and succeeded
      assertThat(result.exitCode()).as(result.toString()).isZero();
      assertThat(result.stdout()).contains("Successfully applied 3 migrations");
      assertThat(late.count("SELECT count(*) FROM flyway_schema_history WHERE success"))
          .isEqualTo(3);
      // and history says where the schema went, as Flyway said it
      Kubemigrate.Result history = km.run("history", "--app", "shop", "-n", ns.name());
      assertThat(history.stdout()).contains("SCHEMA").contains("empty → 3");
      // and the init container waited, in its own words, before the database came
      String waited = initLog(client, ns);
      assertThat(waited)
          .contains("waiting for the database, PostgreSQL at " + db.hostForPods())
          .contains("(from FLYWAY_URL)")
          .contains("the database accepts connections")
          .doesNotContain("password");
    } finally {
      scripts.run("local-postgres", "down", "--dir", dir.toString());
      LocalCluster.deleteTree(dir);
    }
  }

  @Test
  @DisplayName(
      "A database that never comes: exit 3 DatabaseUnreachable at --db-timeout, in the init"
          + " container's words, nothing recorded; the same version then runs without --retry")
  void unreachableDatabaseRecordsNothing(
      Kubemigrate km, TestNamespace ns, KubernetesClient client, Postgres db) throws Exception {
    // Given a FLYWAY_URL whose port nothing listens on
    Postgres nowhere = new Postgres(db.hostForPods(), LocalCluster.freePort(), "app", "app", "app");
    client.secrets().inNamespace(ns.name()).resource(nowhere.flywaySecret("nowhere")).create();
    client.secrets().inNamespace(ns.name()).resource(db.flywaySecret("db")).create();
    // When
    List<String> args = new java.util.ArrayList<>(flywayRun(ns, "nowhere"));
    args.addAll(List.of("--db-timeout", "5s"));
    Kubemigrate.Result result = km.start(args.toArray(String[]::new)).await(Duration.ofMinutes(2));
    // Then
    assertThat(result.exitCode()).as(result.toString()).isEqualTo(3);
    assertThat(result.stderr())
        .contains("did not accept connections within 5s (--db-timeout): connection refused")
        .contains("released the claim")
        .contains("hint (DatabaseUnreachable)");
    assertThat(Records.all(client, ns)).isEmpty();
    // And the same version, with the database there, runs at once (no --retry)
    Kubemigrate.Result again =
        km.start(flywayRun(ns, "db").toArray(String[]::new)).await(Duration.ofMinutes(2));
    assertThat(again.exitCode()).as(again.toString()).isZero();
    assertThat(db.count("SELECT count(*) FROM flyway_schema_history WHERE success")).isEqualTo(3);
  }

  private static List<String> flywayRun(TestNamespace ns, String secret) {
    return List.of(
        "run",
        "--app",
        "shop",
        "--version",
        "1",
        "--image",
        Images.FLYWAY,
        "--image-pull-policy",
        "Never",
        "--env-from",
        "secret/" + secret,
        "--wait-for-db",
        "--kubemigrate-image",
        Images.KUBEMIGRATE,
        "--timeout",
        "3m",
        "-n",
        ns.name());
  }

  private static String initLog(KubernetesClient client, TestNamespace ns) {
    List<Pod> pods = client.pods().inNamespace(ns.name()).list().getItems();
    assertThat(pods).hasSize(1);
    return client
        .pods()
        .inNamespace(ns.name())
        .withName(pods.get(0).getMetadata().getName())
        .inContainer("wait-for-db")
        .getLog();
  }
}
