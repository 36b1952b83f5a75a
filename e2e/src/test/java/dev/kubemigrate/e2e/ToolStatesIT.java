package dev.kubemigrate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The migration tool's own states, read from a real Job's log as the kubelet streams it: the lines
 * are the tools' own (captured from Liquibase 4.33.0 and Flyway 11.8.2, see ToolWatchTest), printed
 * by a busybox migration, so that the stream, the verdict and the stop are the real ones.
 */
@ExtendWith(LocalCluster.class)
class ToolStatesIT {

  @Test
  @DisplayName(
      "A Liquibase that waits for its stale changelog lock: run stops the Job at the third wait"
          + " and exits 3 StaleToolLock with the repair, in well under Liquibase's 5 minutes")
  void staleLiquibaseLockIsStopped(Kubemigrate km, TestNamespace ns, KubernetesClient client) {
    // Given a migration that waits for its lock as Liquibase does: a line every 10 s
    Args waiting =
        Args.busyboxRun(ns, "shop", "1")
            .sh(
                "echo 'Liquibase Version: 4.33.0'; while true; do echo 'Waiting for changelog"
                    + " lock....'; sleep 10; done");
    // When
    long start = System.nanoTime();
    Kubemigrate.Result result = km.run(waiting.build());
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    // Then
    assertThat(result.exitCode()).as(result.toString()).isEqualTo(3);
    assertThat(took).isLessThan(Duration.ofSeconds(45));
    assertThat(result.stderr())
        .contains("Liquibase waits for its changelog lock (DATABASECHANGELOGLOCK)")
        .contains("hint (StaleToolLock)")
        .contains("stopped Job");
    assertThat(Records.only(client, ns).getData())
        .containsEntry("state", "Failed")
        .containsEntry("reason", "StaleToolLock");
    Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> client.batch().v1().jobs().inNamespace(ns.name()).list().getItems().isEmpty());
  }

  @Test
  @DisplayName(
      "A Flyway that finds a failed migration row exits 1 in Flyway's words: the version and"
          + " flyway repair")
  void flywayFailedRowIsNamed(Kubemigrate km, TestNamespace ns, KubernetesClient client) {
    Args failing =
        Args.busyboxRun(ns, "shop", "2")
            .sh(
                "echo 'Flyway OSS Edition 11.8.2 by Redgate'; echo 'ERROR: Validate failed:"
                    + " Migrations have failed validation'; echo 'Detected failed migration to"
                    + " version 2 (add orders).'; exit 1");
    Kubemigrate.Result result = km.run(failing.build());
    assertThat(result.exitCode()).as(result.toString()).isEqualTo(1);
    assertThat(result.stderr())
        .contains("Flyway found a failed migration to version 2 (add orders)")
        .contains("hint (FailedMigrationRecorded)");
    assertThat(Records.only(client, ns).getData())
        .containsEntry("reason", "FailedMigrationRecorded")
        .containsEntry("exitCode", "1");
  }
}
