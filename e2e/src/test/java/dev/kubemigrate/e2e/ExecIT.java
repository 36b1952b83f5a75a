package dev.kubemigrate.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * `kubemigrate exec` in init containers: the pods run the migration themselves, once per version
 * across replicas, under the app's lock, with the shipped RBAC (deploy/rbac/exec.yaml).
 */
@ExtendWith(LocalCluster.class)
class ExecIT {

  @Test
  @DisplayName("Three replicas starting at once run a real Flyway migration exactly once")
  void threeReplicasMigrateOnce(TestNamespace ns, KubernetesClient client, Postgres db)
      throws Exception {
    // Given the exec RBAC and the database's credentials
    ServiceAccounts.applyRbac(client, ns.name(), "exec");
    client.secrets().inNamespace(ns.name()).resource(db.flywaySecret("db")).create();
    // When a 3-replica Deployment starts, each pod's init container running Flyway through exec
    client.apps().deployments().inNamespace(ns.name()).resource(flywayShop("db")).create();

    // Then all three become ready
    await().atMost(Duration.ofMinutes(2)).until(() -> ready(client, ns).size() == 3);
    // And Flyway ran once: one init container applied the migrations, two found them done
    List<String> logs = ready(client, ns).stream().map(p -> migrateLog(client, ns, p)).toList();
    assertThat(logs.stream().filter(l -> l.contains("Successfully applied 3 migrations")))
        .hasSize(1);
    assertThat(logs.stream().filter(l -> l.contains("already migrated"))).hasSize(2);
    try (Connection c = db.connect();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM flyway_schema_history WHERE success")) {
      rs.next();
      assertThat(rs.getInt(1)).isEqualTo(3);
    }
    // and where the schema stood before and after, as Flyway said it
    assertThat(Records.only(client, ns).getData())
        .containsEntry("state", "Succeeded")
        .containsEntry("schemaBefore", "empty")
        .containsEntry("schemaAfter", "3");
  }

  @Test
  @DisplayName(
      "A replica deleted mid-migration records its run Interrupted; the next one reports it and"
          + " never runs it again")
  void killedHolderIsReportedNotRerun(TestNamespace ns, KubernetesClient client) {
    ServiceAccounts.applyRbac(client, ns.name(), "exec");
    // Given a replica that holds the lock and runs a long migration
    client.pods().inNamespace(ns.name()).resource(replica("replica-a")).create();
    await()
        .atMost(Duration.ofMinutes(1))
        .until(() -> log(client, ns, "replica-a").contains("applying part 1"));
    // When it is killed half way
    client.pods().inNamespace(ns.name()).withName("replica-a").withGracePeriod(0).delete();
    // And the next replica starts the same migration
    client.pods().inNamespace(ns.name()).resource(replica("replica-b")).create();
    // Then the deleted replica's SIGTERM stopped its command and recorded the run as Interrupted
    // (a holder that dies without a SIGTERM is taken over once its lease expires: see
    // ExecEngineMockServerTest and AppLockMockServerTest), and the next replica reports it
    Pod b =
        await()
            .atMost(Duration.ofMinutes(1))
            .until(
                () -> client.pods().inNamespace(ns.name()).withName("replica-b").get(),
                p -> p != null && "Failed".equals(p.getStatus().getPhase()));
    String log = log(client, ns, "replica-b");
    // It never ran the command: no line of its own output; the stored tail of replica-a's run
    // (shown as "  | applying part 1") says where that run was cut off.
    assertThat(log).contains("Interrupted");
    assertThat(log.lines()).doesNotContain("applying part 1");
    assertThat(b.getStatus().getContainerStatuses().get(0).getState().getTerminated().getExitCode())
        .isEqualTo(1);
    assertThat(Records.only(client, ns).getData())
        .containsEntry("state", "Failed")
        .containsEntry("reason", "Interrupted")
        .containsEntry("jobName", "pod/replica-a");
  }

  /**
   * Three replicas of an app whose init container runs Flyway through exec, with the database's
   * settings from the Secret {@code secret}.
   */
  private static io.fabric8.kubernetes.api.model.apps.Deployment flywayShop(String secret) {
    return new DeploymentBuilder()
        .withNewMetadata()
        .withName("shop")
        .endMetadata()
        .withNewSpec()
        .withReplicas(3)
        .withNewSelector()
        .addToMatchLabels("app", "shop")
        .endSelector()
        .withNewTemplate()
        .withNewMetadata()
        .addToLabels("app", "shop")
        .endMetadata()
        .withNewSpec()
        .withServiceAccountName("kubemigrate-exec")
        .withTerminationGracePeriodSeconds(1L)
        .addNewInitContainer()
        .withName("migrate")
        .withImage(Images.FLYWAY_KUBEMIGRATE)
        .withImagePullPolicy("Never")
        .withCommand("kubemigrate")
        .withArgs("exec", "--app", "shop", "--version", "1", "--", "/flyway/flyway", "migrate")
        .addNewEnvFrom()
        .withNewSecretRef()
        .withName(secret)
        .endSecretRef()
        .endEnvFrom()
        .endInitContainer()
        .addNewContainer()
        .withName("app")
        .withImage(Images.BUSYBOX)
        .withImagePullPolicy("Never")
        .withCommand("sleep", "3600")
        .endContainer()
        .endSpec()
        .endTemplate()
        .endSpec()
        .build();
  }

  @Test
  @DisplayName(
      "Replicas started together with their PostgreSQL, which accepts connections 20 s later: each"
          + " exec waits for it, Flyway runs once, and no init container fails or restarts")
  void waitsForADatabaseThatStartsLater(TestNamespace ns, KubernetesClient client, Postgres db)
      throws Exception {
    // Given a PostgreSQL server of its own, not started yet, named by the pods' FLYWAY_URL
    Scripts scripts = Scripts.ofProject();
    java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("kubemigrate-late-pg");
    Postgres late = new Postgres(db.hostForPods(), LocalCluster.freePort(), "app", "app", "app");
    ServiceAccounts.applyRbac(client, ns.name(), "exec");
    client.secrets().inNamespace(ns.name()).resource(late.flywaySecret("db")).create();
    try {
      // When the app's 3 replicas start
      java.time.Instant created = java.time.Instant.now();
      client.apps().deployments().inNamespace(ns.name()).resource(flywayShop("db")).create();
      // and every replica says that it waits for the database
      await()
          .atMost(Duration.ofMinutes(2))
          .until(
              () ->
                  pods(client, ns).stream()
                          .filter(
                              p -> migrateLog(client, ns, p).contains("waiting for the database"))
                          .count()
                      == 3);
      // and PostgreSQL starts 20 s after the pods (the scenario's delay, not a wait for a state)
      Duration since = Duration.between(created, java.time.Instant.now());
      Thread.sleep(Math.max(0, Duration.ofSeconds(20).minus(since).toMillis()));
      scripts.run("local-postgres", "up", "--dir", dir.toString(), "--port", "" + late.port());
      // Then all three become ready
      await().atMost(Duration.ofMinutes(2)).until(() -> ready(client, ns).size() == 3);
      List<String> logs = ready(client, ns).stream().map(p -> migrateLog(client, ns, p)).toList();
      // each waited, then saw the database accept connections
      assertThat(logs)
          .allSatisfy(
              l ->
                  assertThat(l)
                      .contains("waiting for the database, PostgreSQL at " + db.hostForPods())
                      .contains("the database accepts connections")
                      .doesNotContain("FLYWAY_PASSWORD")
                      .doesNotContain("password=app"));
      // Flyway ran once, and no init container exited non-zero
      assertThat(logs.stream().filter(l -> l.contains("Successfully applied 3 migrations")))
          .hasSize(1);
      assertThat(logs.stream().filter(l -> l.contains("already migrated"))).hasSize(2);
      assertThat(ready(client, ns))
          .allSatisfy(
              p ->
                  assertThat(p.getStatus().getInitContainerStatuses().get(0).getRestartCount())
                      .isZero());
      assertThat(late.count("SELECT count(*) FROM flyway_schema_history WHERE success"))
          .isEqualTo(3);
      assertThat(Records.only(client, ns).getData()).containsEntry("state", "Succeeded");
    } finally {
      client.apps().deployments().inNamespace(ns.name()).withName("shop").delete();
      scripts.run("local-postgres", "down", "--dir", dir.toString());
      LocalCluster.deleteTree(dir);
    }
  }

  private static List<Pod> pods(KubernetesClient client, TestNamespace ns) {
    return client.pods().inNamespace(ns.name()).withLabel("app", "shop").list().getItems();
  }

  private static String migrateLog(KubernetesClient client, TestNamespace ns, Pod p) {
    try {
      return client
          .pods()
          .inNamespace(ns.name())
          .withName(p.getMetadata().getName())
          .inContainer("migrate")
          .getLog();
    } catch (RuntimeException e) {
      return ""; // not started yet
    }
  }

  private static Pod replica(String name) {
    return ExecPods.pod(
        name,
        Images.FLYWAY_KUBEMIGRATE,
        null,
        java.util.Map.of(),
        0,
        List.of(
            "kubemigrate",
            "exec",
            "--app",
            "shop",
            "--version",
            "7",
            "--",
            "sh",
            "-c",
            "echo applying part 1; sleep 60; echo applying part 2"));
  }

  private static String log(KubernetesClient client, TestNamespace ns, String pod) {
    try {
      return client.pods().inNamespace(ns.name()).withName(pod).getLog();
    } catch (RuntimeException e) {
      return "";
    }
  }

  private static List<Pod> ready(KubernetesClient client, TestNamespace ns) {
    return client.pods().inNamespace(ns.name()).withLabel("app", "shop").list().getItems().stream()
        .filter(
            p ->
                p.getStatus().getConditions().stream()
                    .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus())))
        .toList();
  }
}
