package dev.kubemigrate.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kubemigrate.api.MigrationSpec;
import dev.kubemigrate.api.Phase;
import dev.kubemigrate.api.Reason;
import dev.kubemigrate.api.RunRecord;
import dev.kubemigrate.api.RunState;
import dev.kubemigrate.job.SpecHash;
import dev.kubemigrate.migration.Migration;
import dev.kubemigrate.migration.MigrationResourceSpec;
import dev.kubemigrate.migration.MigrationStatus;
import dev.kubemigrate.record.RecordStore;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The reconciler's decisions against fabric8's CRUD mock API server: what it starts, and what it
 * leaves alone, for each state of the record. The real cluster runs the whole flow (OperatorIT).
 */
@EnableKubernetesMockClient(crud = true)
class MigrationReconcilerMockServerTest {

  private static final String NS = "shop";
  private static final Instant T0 = Instant.parse("2026-11-24T10:00:00Z");

  KubernetesClient client;
  private MigrationReconciler reconciler;
  private OperatorMetrics metrics;

  @BeforeEach
  void setUp() {
    metrics = new OperatorMetrics();
    reconciler = new MigrationReconciler(client, Clock.systemUTC(), "op-0", 2, metrics);
  }

  @AfterEach
  void tearDown() {
    reconciler.stop();
    metrics.close();
  }

  @Test
  @DisplayName("A new Migration claims its run and creates one Job, started by the operator")
  void newMigrationStartsItsRun() {
    // When a Migration without a record is reconciled
    MigrationStatus status = reconcile(migration("1", null, "10m"));

    // Then it is Pending (Reconciling), and the engine claims the run and creates the Job
    assertThat(status.phase()).isEqualTo("Pending");
    assertThat(condition(status, "Reconciling").getStatus()).isEqualTo("True");
    Job job = await().atMost(Duration.ofSeconds(10)).until(this::onlyJob, j -> j != null);
    assertThat(job.getMetadata().getName()).isEqualTo("shop-pre-1");
    RunRecord r = records().get("shop", Phase.PRE, "1").orElseThrow().record();
    assertThat(r.startedBy()).isEqualTo("kubemigrate operator op-0 for migration/shop");
  }

  @Test
  @DisplayName("A succeeded version is Ready and starts nothing")
  void succeededIsReady() {
    // Given version 1 already migrated
    Migration m = migration("1", null, "10m");
    store(m, RunState.SUCCEEDED);

    // When reconciled
    MigrationStatus status = reconcile(m);

    // Then Ready, and no Job
    assertThat(condition(status, "Ready").getStatus()).isEqualTo("True");
    assertThat(jobs()).isEmpty();
  }

  @Test
  @DisplayName("A failed version is Stalled and not retried until spec.attempt is raised")
  void failedIsStalledUntilTheAttemptIsRaised() {
    // Given version 1 failed at attempt 1
    Migration m = migration("1", null, "10m");
    store(m, RunState.FAILED);

    // When reconciled, with spec.attempt unset
    MigrationStatus stalled = reconcile(m);

    // Then it is Stalled and nothing runs
    assertThat(condition(stalled, "Stalled").getStatus()).isEqualTo("True");
    assertThat(stalled.reason()).isEqualTo("BackoffLimitExceeded");
    assertThat(jobs()).isEmpty();

    // When spec.attempt is raised to 2
    MigrationStatus retrying = reconcile(migration("1", 2, "10m"));

    // Then attempt 2 starts, with its own Job
    assertThat(retrying.reason()).isEqualTo("Retrying");
    assertThat(retrying.message()).contains("starting attempt 2");
    Job job = await().atMost(Duration.ofSeconds(10)).until(this::onlyJob, j -> j != null);
    assertThat(job.getMetadata().getName()).isEqualTo("shop-pre-1-r2");
  }

  @Test
  @DisplayName("An invalid spec is Stalled with the reason, and nothing is created")
  void invalidSpecIsStalled() {
    MigrationStatus status = reconcile(migration("1", null, "5 minutes"));

    assertThat(status.reason()).isEqualTo("InvalidSpec");
    assertThat(condition(status, "Stalled").getMessage()).contains("spec.timeout");
    assertThat(jobs()).isEmpty();
    assertThat(records().list("shop")).isEmpty();
  }

  @Test
  @DisplayName("The same version with another spec is a conflict: Stalled, nothing started")
  void changedSpecOfARunVersionIsAConflict() {
    // Given version 1 migrated with the image flyway:11
    store(migration("1", null, "10m"), RunState.SUCCEEDED);

    // When version 1 comes back with another image
    MigrationStatus status = reconcile(migration("1", null, "10m", "flyway:12"));

    // Then it is a conflict, and nothing runs
    assertThat(status.reason()).isEqualTo("SpecConflict");
    assertThat(condition(status, "Stalled").getMessage()).contains("needs a new version");
    assertThat(jobs()).isEmpty();
  }

  @Test
  @DisplayName("A status that says nothing new is not patched again")
  void unchangedStatusIsNotPatched() {
    // Given a Migration whose status already says Ready
    Migration m = migration("1", null, "10m");
    store(m, RunState.SUCCEEDED);
    m.setStatus(reconcile(m));

    // When reconciled again
    UpdateControl<Migration> control = reconciler.reconcile(m, null);

    // Then there is nothing to patch
    assertThat(control.isNoUpdate()).isTrue();
  }

  private MigrationStatus reconcile(Migration m) {
    UpdateControl<Migration> control = reconciler.reconcile(m, null);
    assertThat(control.isPatchStatus()).isTrue();
    return control.getResource().orElseThrow().getStatus();
  }

  private static Migration migration(String version, Integer attempt, String timeout) {
    return migration(version, attempt, timeout, "flyway:11");
  }

  private static Migration migration(
      String version, Integer attempt, String timeout, String image) {
    Migration m = new Migration();
    m.setMetadata(
        new ObjectMetaBuilder()
            .withName("shop")
            .withNamespace(NS)
            .withGeneration(1L)
            .withUid("uid-shop")
            .build());
    m.setSpec(
        new MigrationResourceSpec(
            "shop",
            version,
            null,
            image,
            null,
            List.of("migrate"),
            null,
            null,
            null,
            timeout,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            attempt,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null));
    return m;
  }

  private void store(Migration m, RunState state) {
    MigrationSpec spec = m.getSpec().toMigrationSpec().validate();
    RunRecord claim =
        RunRecord.claim(
            "shop",
            Phase.PRE,
            spec.version(),
            RunState.RUNNING,
            spec.image(),
            SpecHash.of(spec),
            "shop-pre-" + spec.version(),
            T0,
            "ci");
    RunRecord done =
        state == RunState.SUCCEEDED
            ? claim.finished(state, T0.plusSeconds(5), null, null, 0, "ok")
            : claim.finished(
                state,
                T0.plusSeconds(5),
                Reason.BACKOFF_LIMIT_EXCEEDED,
                "exited with code 1",
                1,
                "boom");
    records().create(done).orElseThrow();
  }

  private RecordStore records() {
    return new RecordStore(client, NS);
  }

  private List<Job> jobs() {
    return client.batch().v1().jobs().inNamespace(NS).list().getItems();
  }

  private Job onlyJob() {
    List<Job> jobs = jobs();
    assertThat(jobs).hasSizeLessThanOrEqualTo(1);
    return jobs.isEmpty() ? null : jobs.get(0);
  }

  private static Condition condition(MigrationStatus s, String type) {
    return java.util.Objects.requireNonNull(s.condition(type), type);
  }
}
