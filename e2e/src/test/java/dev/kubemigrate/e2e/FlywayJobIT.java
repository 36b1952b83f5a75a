package dev.kubemigrate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Proves the harness end to end: real cluster, real Flyway image, real PostgreSQL. */
@ExtendWith(LocalCluster.class)
class FlywayJobIT {

  @Test
  @DisplayName("The Flyway image migrates the real PostgreSQL from a Job on the real cluster")
  void flywayJobMigratesRealPostgres(KubernetesClient client, TestNamespace ns, Postgres db)
      throws Exception {
    // Given a Job running the locally built Flyway image against the test's database
    Job job =
        new JobBuilder()
            .withNewMetadata()
            .withName("flyway")
            .endMetadata()
            .withNewSpec()
            .withBackoffLimit(0)
            .withNewTemplate()
            .withNewSpec()
            .withRestartPolicy("Never")
            .addNewContainer()
            .withName("migrate")
            .withImage(Images.FLYWAY)
            .withImagePullPolicy("Never")
            .addNewEnv()
            .withName("FLYWAY_URL")
            .withValue(db.urlFromPods())
            .endEnv()
            .addNewEnv()
            .withName("FLYWAY_USER")
            .withValue(db.user())
            .endEnv()
            .addNewEnv()
            .withName("FLYWAY_PASSWORD")
            .withValue(db.password())
            .endEnv()
            .endContainer()
            .endSpec()
            .endTemplate()
            .endSpec()
            .build();

    // When it runs to its end
    client.batch().v1().jobs().inNamespace(ns.name()).resource(job).create();
    Job done =
        client
            .batch()
            .v1()
            .jobs()
            .inNamespace(ns.name())
            .withName("flyway")
            .waitUntilCondition(
                j -> j != null && j.getStatus() != null && finished(j), 2, TimeUnit.MINUTES);

    // Then it succeeded, and the schema and rows of examples/flyway/sql are in the database
    assertThat(done.getStatus().getSucceeded()).isEqualTo(1);
    assertThat(client.batch().v1().jobs().inNamespace(ns.name()).withName("flyway").getLog())
        .contains("Successfully applied 3 migrations");
    try (Connection c = db.connect();
        Statement s = c.createStatement()) {
      List<String> rows = new ArrayList<>();
      try (ResultSet rs = s.executeQuery("SELECT email, tier FROM customers ORDER BY email")) {
        while (rs.next()) {
          rows.add(rs.getString(1) + "/" + rs.getString(2));
        }
      }
      assertThat(rows)
          .containsExactly(
              "ada@example.org/founder",
              "edsger@example.org/standard",
              "grace@example.org/standard");
      try (ResultSet rs =
          s.executeQuery("SELECT count(*) FROM flyway_schema_history WHERE success")) {
        rs.next();
        assertThat(rs.getInt(1)).isEqualTo(3);
      }
    }
  }

  private static boolean finished(Job job) {
    return job.getStatus().getConditions().stream()
        .anyMatch(
            c ->
                ("Complete".equals(c.getType()) || "Failed".equals(c.getType()))
                    && "True".equals(c.getStatus()));
  }
}
