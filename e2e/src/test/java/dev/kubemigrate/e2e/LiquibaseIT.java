package dev.kubemigrate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Liquibase 4.33.0 itself (liquibase-core from Maven Central, the liquibase-kubemigrate image and
 * examples/liquibase/changelog) against the test PostgreSQL, from `run` and from `exec`.
 */
@ExtendWith(LocalCluster.class)
class LiquibaseIT {

  @Test
  @DisplayName(
      "A Liquibase run killed while it holds its changelog lock: the next run stops with"
          + " StaleToolLock in under 60 s, exec stops before Liquibase starts, and after"
          + " liquibase release-locks the next run applies the changelog, its changesets in history")
  void killedRunLeavesAStaleLock(
      Kubemigrate km, TestNamespace ns, KubernetesClient client, Postgres db) throws Exception {
    ServiceAccounts.applyRbac(client, ns.name(), "exec");
    client
        .secrets()
        .inNamespace(ns.name())
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName("db")
                .endMetadata()
                .addToStringData("LIQUIBASE_COMMAND_URL", db.urlFromPods())
                .addToStringData("LIQUIBASE_COMMAND_USERNAME", db.user())
                .addToStringData("LIQUIBASE_COMMAND_PASSWORD", db.password())
                .build())
        .create();

    // Given a run whose changeset runs for 5 minutes, killed at its timeout
    Kubemigrate.Result killed =
        km.run(
            liquibaseRun(ns, "1")
                .option("--timeout", "25s")
                .command("/liquibase/liquibase", "--changelog-file=slow.yaml", "update")
                .build());
    assertThat(killed.exitCode()).as(killed.toString()).isEqualTo(4);
    // it left Liquibase's lock held
    assertThat(db.count("SELECT count(*) FROM databasechangeloglock WHERE locked")).isEqualTo(1);

    // When the next version runs Liquibase
    long start = System.nanoTime();
    Kubemigrate.Result next = km.run(liquibaseRun(ns, "2").option("--timeout", "5m").build());
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    // Then it stops on the stale lock, naming who holds it and the repair
    assertThat(next.exitCode()).as(next.toString()).isEqualTo(3);
    assertThat(took).isLessThan(Duration.ofSeconds(60));
    assertThat(next.stderr())
        .contains("Liquibase waits for its changelog lock (DATABASECHANGELOGLOCK)")
        .contains("liquibase release-locks")
        .contains("hint (StaleToolLock)");

    // And exec, in an app's pod, stops before Liquibase starts, from the lock row itself
    ExecPods.Ended exec =
        ExecPods.run(
            client,
            ns,
            "shop-exec",
            Images.LIQUIBASE_KUBEMIGRATE,
            "db",
            Map.of(),
            List.of(
                "kubemigrate",
                "exec",
                "--app",
                "shop",
                "--version",
                "3",
                "--",
                "liquibase",
                "update"));
    assertThat(exec.exitCode()).as(exec.log()).isEqualTo(3);
    assertThat(exec.log())
        .contains("Liquibase waits for its changelog lock (DATABASECHANGELOGLOCK); it is locked by")
        .contains(" since 20")
        .contains("read from DATABASECHANGELOGLOCK before liquibase started; nothing ran")
        .doesNotContain("Liquibase Version")
        .doesNotContain(db.password() + "@");
    assertThat(Records.all(client, ns)).noneMatch(r -> "3".equals(r.getData().get("version")));

    // When someone releases the lock as the hint says
    ExecPods.Ended release =
        ExecPods.run(
            client,
            ns,
            "release-locks",
            Images.LIQUIBASE_KUBEMIGRATE,
            "db",
            Map.of(),
            List.of("liquibase", "release-locks"));
    assertThat(release.exitCode()).as(release.log()).isZero();
    // Then the next version applies the changelog, and history says how far the schema went
    Kubemigrate.Result applied = km.run(liquibaseRun(ns, "4").build());
    assertThat(applied.exitCode()).as(applied.toString()).isZero();
    assertThat(db.count("SELECT count(*) FROM databasechangelog")).isEqualTo(2);
    Kubemigrate.Result history = km.run("history", "--app", "shop", "-n", ns.name());
    assertThat(history.stdout()).contains("SCHEMA").contains("0 → 2 changesets");
  }

  private static Args liquibaseRun(TestNamespace ns, String version) {
    return Args.run(ns, "shop")
        .version(version)
        .image(Images.LIQUIBASE_KUBEMIGRATE)
        .neverPull()
        .option("--env-from", "secret/db");
  }
}
