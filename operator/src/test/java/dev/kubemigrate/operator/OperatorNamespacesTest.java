package dev.kubemigrate.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kubemigrate.migration.Migration;
import dev.kubemigrate.migration.MigrationStatus;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The whole operator, JOSDK included, on fabric8's CRUD mock API server: every Migration of every
 * watched namespace, and none of another, is reconciled and followed to its end through a restart
 * of the operator, whether it was there before the operator started (its informers' first lists) or
 * created after (their watches). The calls to the reconciler in MigrationReconcilerMockServerTest
 * leave JOSDK's informers out; the real cluster runs the operator end to end (OperatorIT).
 *
 * <p>With several namespaces JOSDK makes an informer per namespace. Given one shared store, each
 * informer's list drops the other namespaces' objects from it (LeanCachesTest); here that loss
 * shows only in a race (a restarted operator that never hears of a run's end), once in four runs of
 * these tests with OperatorSettings#oneInformerPerKind made always true: this test does not guard
 * that rule, LeanCachesTest does.
 */
@EnableKubernetesMockClient(crud = true)
class OperatorNamespacesTest {

  KubernetesClient client;

  @Test
  @DisplayName("Two watched namespaces: the Migrations of both start their runs")
  void twoNamespaces() {
    reconcilesEveryMigration(Set.of("a", "b"), List.of("a", "b"), List.of("c"));
  }

  @Test
  @DisplayName("Three watched namespaces, one left out")
  void threeNamespaces() {
    reconcilesEveryMigration(Set.of("a", "b", "c"), List.of("a", "b", "c"), List.of("d"));
  }

  @Test
  @DisplayName("One watched namespace: its Migrations start, another namespace's do not")
  void oneNamespace() {
    reconcilesEveryMigration(Set.of("a"), List.of("a"), List.of("b"));
  }

  @Test
  @DisplayName("All namespaces")
  void allNamespaces() {
    reconcilesEveryMigration(Set.of(), List.of("a", "b", "c"), List.of());
  }

  /**
   * Starts the operator watching {@code watched} (empty: all namespaces) with Migrations already in
   * {@code reconciled} and {@code ignored}, then creates one more in each; every Migration in
   * {@code reconciled} gets a Job and, once its Job completes, the phase Succeeded; none in {@code
   * ignored} gets a status or a Job.
   */
  private void reconcilesEveryMigration(
      Set<String> watched, List<String> reconciled, List<String> ignored) {
    List<String> all = new ArrayList<>(reconciled);
    all.addAll(ignored);
    // Before the operator starts: found by each informer's first list.
    all.forEach(ns -> create(ns, "before"));
    OperatorSettings settings =
        new OperatorSettings(watched, 10, -1, null, "op-0", List.of(), "kubemigrate:test");
    try (KubemigrateOperator operator =
        new KubemigrateOperator(client, settings, Clock.systemUTC())) {
      operator.start();
      // After: found by each informer's watch.
      all.forEach(ns -> create(ns, "after"));
      eventually(
          reconciled,
          (ns, app) -> {
            assertThat(job(ns, app)).as("Job of %s/%s", ns, app).isNotNull();
            assertThat(status(ns, app)).as("status of %s/%s", ns, app).isNotNull();
          });
    }
    // The operator restarts while the runs are in flight, and its lists find them all. The Jobs
    // then complete: each run, attached to again, records its success, and the record's event
    // reaches its Migration through the cache of Migrations, which says Succeeded.
    try (KubemigrateOperator operator =
        new KubemigrateOperator(client, settings, Clock.systemUTC())) {
      operator.start();
      each(reconciled, (ns, app) -> complete(job(ns, app)));
      eventually(
          reconciled,
          (ns, app) ->
              assertThat(status(ns, app))
                  .as("status of %s/%s", ns, app)
                  .extracting(MigrationStatus::phase)
                  .isEqualTo("Succeeded"));
    }
    each(
        ignored,
        (ns, app) -> {
          assertThat(status(ns, app)).as("status of %s/%s", ns, app).isNull();
          assertThat(job(ns, app)).as("Job of %s/%s", ns, app).isNull();
        });
  }

  /** {@link #each} until every check passes, within 30 s. */
  private static void eventually(List<String> namespaces, BiConsumer<String, String> check) {
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> each(namespaces, check));
  }

  /** {@code check} of each Migration in {@code namespaces}: namespace, name ("before", "after"). */
  private static void each(List<String> namespaces, BiConsumer<String, String> check) {
    for (String ns : namespaces) {
      for (String app : List.of("before", "after")) {
        check.accept(ns, app);
      }
    }
  }

  private void create(String namespace, String app) {
    String yaml =
        String.join(
            "\n",
            "apiVersion: kubemigrate.dev/v1alpha1",
            "kind: Migration",
            "metadata: {name: " + app + ", namespace: " + namespace + "}",
            "spec: {app: " + app + ", version: '1', image: 'flyway:11', args: [migrate]}");
    Migration m = client.getKubernetesSerialization().unmarshal(yaml, Migration.class);
    client.resource(m).create();
  }

  private void complete(Job job) {
    client
        .resource(
            new JobBuilder(job)
                .withNewStatus()
                .withSucceeded(1)
                .addNewCondition()
                .withType("Complete")
                .withStatus("True")
                .endCondition()
                .endStatus()
                .build())
        .updateStatus();
  }

  private MigrationStatus status(String namespace, String name) {
    Migration m = client.resources(Migration.class).inNamespace(namespace).withName(name).get();
    return m == null ? null : m.getStatus();
  }

  private Job job(String namespace, String app) {
    return client.batch().v1().jobs().inNamespace(namespace).withName(app + "-pre-1").get();
  }
}
