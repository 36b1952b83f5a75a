package dev.kubemigrate.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.kubemigrate.api.ExitCode;
import dev.kubemigrate.api.KubemigrateException;
import dev.kubemigrate.api.MigrationSpec;
import dev.kubemigrate.api.Phase;
import dev.kubemigrate.api.RunListener;
import dev.kubemigrate.api.RunOutcome;
import dev.kubemigrate.api.RunRecord;
import dev.kubemigrate.api.RunRequest;
import dev.kubemigrate.api.RunState;
import dev.kubemigrate.record.RecordStore;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The engine against fabric8's CRUD mock API server. The mock has no job controller or kubelet: the
 * test plays them, which also lets it play a newer server (FailureTarget) than the local 1.20.
 */
@EnableKubernetesMockClient(crud = true)
class RunEngineMockServerTest {

  private static final String NS = "test";

  KubernetesClient client;

  @Test
  @DisplayName("A first run claims the record, creates one Job and records its success")
  void firstRunCreatesJobAndRecordsSuccess() throws Exception {
    // Given
    MigrationSpec spec = spec("shop-migrate:1.0");
    // When the run starts and the Job completes
    CompletableFuture<RunOutcome> run = start(spec);
    Job job = awaitJob();
    complete(job, "Complete", null);
    RunOutcome outcome = run.get(30, TimeUnit.SECONDS);
    // Then
    assertThat(outcome.exitCode()).isEqualTo(ExitCode.SUCCEEDED);
    assertThat(outcome.how()).isEqualTo(RunOutcome.How.RAN);
    RunRecord stored = records().get("shop", Phase.PRE, "1.0").orElseThrow().record();
    assertThat(stored.state()).isEqualTo(RunState.SUCCEEDED);
    assertThat(stored.jobUid()).isEqualTo(job.getMetadata().getUid());
    assertThat(stored.startedBy()).isEqualTo("test@host");
  }

  @Test
  @DisplayName("A run of a version that already succeeded starts nothing and exits 0")
  void alreadySucceededStartsNothing() throws Exception {
    // Given a succeeded run
    CompletableFuture<RunOutcome> first = start(spec("shop-migrate:1.0"));
    complete(awaitJob(), "Complete", null);
    first.get(30, TimeUnit.SECONDS);
    // When the same version runs again
    RunOutcome again = engine().run(request(spec("shop-migrate:1.0"), false));
    // Then
    assertThat(again.how()).isEqualTo(RunOutcome.How.ALREADY_SUCCEEDED);
    assertThat(again.exitCode()).isEqualTo(ExitCode.SUCCEEDED);
    assertThat(client.batch().v1().jobs().inNamespace(NS).list().getItems()).hasSize(1);
  }

  @Test
  @DisplayName("The same version with another image is refused with exit 6, nothing started")
  void sameVersionOtherImageIsAConflict() throws Exception {
    // Given
    CompletableFuture<RunOutcome> first = start(spec("shop-migrate:1.0"));
    complete(awaitJob(), "Complete", null);
    first.get(30, TimeUnit.SECONDS);
    // When / Then
    assertThatThrownBy(() -> engine().run(request(spec("other-migrate:1.0"), false)))
        .isInstanceOf(KubemigrateException.class)
        .hasMessageContaining("other-migrate:1.0")
        .extracting(e -> ((KubemigrateException) e).exitCode())
        .isEqualTo(ExitCode.CONFLICT);
    assertThat(client.batch().v1().jobs().inNamespace(NS).list().getItems()).hasSize(1);
  }

  @Test
  @DisplayName("A failed version is reported from its record; --retry starts a second attempt")
  void failedVersionNeedsRetry() throws Exception {
    // Given a run whose container exited with 3
    CompletableFuture<RunOutcome> first = start(spec("shop-migrate:1.0"));
    Job job = awaitJob();
    pod(job, "Error", 3);
    complete(job, "Failed", "BackoffLimitExceeded");
    RunOutcome failed = first.get(30, TimeUnit.SECONDS);
    assertThat(failed.exitCode()).isEqualTo(ExitCode.FAILED);
    assertThat(failed.record().exitCode()).isEqualTo(3);
    // When it runs again without and then with --retry
    RunOutcome reported = engine().run(request(spec("shop-migrate:1.0"), false));
    CompletableFuture<RunOutcome> retry =
        CompletableFuture.supplyAsync(() -> engine().run(request(spec("shop-migrate:1.0"), true)));
    Job second =
        await()
            .atMost(Duration.ofSeconds(20))
            .until(
                () ->
                    client
                        .batch()
                        .v1()
                        .jobs()
                        .inNamespace(NS)
                        .withName(job.getMetadata().getName() + "-r2")
                        .get(),
                j -> j != null);
    complete(second, "Complete", null);
    // Then
    assertThat(reported.how()).isEqualTo(RunOutcome.How.ALREADY_FAILED);
    assertThat(reported.exitCode()).isEqualTo(ExitCode.FAILED);
    assertThat(reported.summary()).contains("--retry");
    RunOutcome retried = retry.get(30, TimeUnit.SECONDS);
    assertThat(retried.exitCode()).isEqualTo(ExitCode.SUCCEEDED);
    assertThat(retried.record().attempt()).isEqualTo(2);
  }

  @Test
  @DisplayName("Ten runs racing for one version create one Job and all report its result")
  void racingRunsCreateOneJob() throws Exception {
    // Given ten runs started at once
    List<CompletableFuture<RunOutcome>> runs = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      runs.add(start(spec("shop-migrate:1.0")));
    }
    // When the one Job completes
    Job job = awaitJob();
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () -> records().get("shop", Phase.PRE, "1.0").orElseThrow().record().jobUid() != null);
    complete(job, "Complete", null);
    // Then
    for (CompletableFuture<RunOutcome> run : runs) {
      assertThat(run.get(30, TimeUnit.SECONDS).exitCode()).isEqualTo(ExitCode.SUCCEEDED);
    }
    assertThat(client.batch().v1().jobs().inNamespace(NS).list().getItems()).hasSize(1);
    assertThat(runs.stream().filter(r -> r.join().how() == RunOutcome.How.RAN)).hasSize(1);
  }

  @Test
  @DisplayName("A pod whose secret is missing fails the run with exit 3 and stops the Job")
  void missingSecretStopsTheJob() throws Exception {
    // Given
    CompletableFuture<RunOutcome> run = start(spec("shop-migrate:1.0"));
    Job job = awaitJob();
    // When the kubelet cannot configure the container
    client
        .pods()
        .inNamespace(NS)
        .resource(
            ofJob(
                job,
                TestPods.waiting(
                    job.getMetadata().getName() + "-x1",
                    "CreateContainerConfigError",
                    "secret \"db\" not found")))
        .create();
    RunOutcome outcome = run.get(30, TimeUnit.SECONDS);
    // Then
    assertThat(outcome.exitCode()).isEqualTo(ExitCode.COULD_NOT_START);
    assertThat(outcome.summary()).contains("secret \"db\" not found");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                client
                        .batch()
                        .v1()
                        .jobs()
                        .inNamespace(NS)
                        .withName(job.getMetadata().getName())
                        .get()
                    == null);
  }

  @Test
  @DisplayName("On a newer server, FailureTarget ends the run before the Failed condition")
  void failureTargetOnNewerServer() throws Exception {
    CompletableFuture<RunOutcome> run = start(spec("shop-migrate:1.0"));
    Job job = awaitJob();
    pod(job, "Error", 1);
    complete(job, "FailureTarget", "PodFailurePolicy");
    RunOutcome outcome = run.get(30, TimeUnit.SECONDS);
    assertThat(outcome.exitCode()).isEqualTo(ExitCode.FAILED);
    assertThat(outcome.record().exitCode()).isEqualTo(1);
  }

  @Test
  @DisplayName(
      "A pod deleted while it runs and replaced by Kubernetes: the record names the pod that"
          + " started, the replacement ends the run as PodDeleted and its Job is stopped")
  void replacedPodIsPodDeleted() throws Exception {
    // Given a run whose Job may start once, and its pod running the migration
    CompletableFuture<RunOutcome> run = start(spec("shop-migrate:1.0"));
    Job job = awaitJob();
    assertThat(dev.kubemigrate.job.JobFactory.startsOnce(job)).isTrue();
    String first = job.getMetadata().getName() + "-first";
    client.pods().inNamespace(NS).resource(ofJob(job, TestPods.running(first))).create();
    // Then the record names it, and has no start left to give
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () -> records().get("shop", Phase.PRE, "1.0").orElseThrow().record().startedPod(),
            first::equals);
    assertThat(
            client
                .configMaps()
                .inNamespace(NS)
                .withName(dev.kubemigrate.job.RunNames.recordName("shop", Phase.PRE, "1.0"))
                .get()
                .getData())
        .doesNotContainKey(dev.kubemigrate.job.JobFactory.startOnceKey(1));
    // When it is deleted and the Job controller starts another pod in its place
    client.pods().inNamespace(NS).withName(first).delete();
    client
        .pods()
        .inNamespace(NS)
        .resource(
            ofJob(
                job,
                TestPods.waiting(
                    job.getMetadata().getName() + "-again", "ContainerCreating", null)))
        .create();
    // Then the run fails for that reason, and stops the Job with its held-back pod
    RunOutcome outcome = run.get(30, TimeUnit.SECONDS);
    assertThat(outcome.exitCode()).isEqualTo(ExitCode.FAILED);
    assertThat(outcome.record().reason()).isEqualTo(dev.kubemigrate.api.Reason.POD_DELETED);
    assertThat(outcome.record().startedPod()).isEqualTo(first);
    assertThat(outcome.summary()).contains(first).contains("-again");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                client
                        .batch()
                        .v1()
                        .jobs()
                        .inNamespace(NS)
                        .withName(job.getMetadata().getName())
                        .get()
                    == null);
  }

  @Test
  @DisplayName(
      "With the start gate, the oldest pod is recorded and only it is let through; a pod started"
          + " in its place never is, and ends the run as PodDeleted")
  void startGateLetsOnePodThrough() throws Exception {
    // Given a run whose Job has the start gate (kubemigrate's image is known)
    CompletableFuture<RunOutcome> run = startGated(spec("shop-migrate:1.0"));
    Job job = awaitJob();
    assertThat(dev.kubemigrate.job.JobFactory.gated(job)).isTrue();
    String first = job.getMetadata().getName() + "-first";
    client
        .pods()
        .inNamespace(NS)
        .resource(ofJob(job, TestPods.waiting(first, "PodInitializing", null)))
        .create();
    // Then it is recorded, then let through, before its migration container started
    await().atMost(Duration.ofSeconds(20)).until(() -> granted(first) != null);
    assertThat(granted(first)).isEqualTo("attempt 1");
    assertThat(records().get("shop", Phase.PRE, "1.0").orElseThrow().record().startedPod())
        .isEqualTo(first);
    // When it is deleted and the Job controller starts another pod in its place
    client.pods().inNamespace(NS).withName(first).delete();
    String again = job.getMetadata().getName() + "-again";
    client
        .pods()
        .inNamespace(NS)
        .resource(ofJob(job, TestPods.waiting(again, "PodInitializing", null)))
        .create();
    // Then the run fails as PodDeleted, and the replacement was never let through
    RunOutcome outcome = run.get(30, TimeUnit.SECONDS);
    assertThat(outcome.record().reason()).isEqualTo(dev.kubemigrate.api.Reason.POD_DELETED);
    assertThat(outcome.record().startedPod()).isEqualTo(first);
    assertThat(client.pods().inNamespace(NS).withName(again).get())
        .satisfiesAnyOf(
            pod -> assertThat(pod).isNull(),
            pod ->
                assertThat(pod.getMetadata().getAnnotations())
                    .doesNotContainKey(dev.kubemigrate.job.StartGate.ANNOTATION));
  }

  /** The value of the start gate's annotation on {@code pod}, or null. */
  private String granted(String pod) {
    io.fabric8.kubernetes.api.model.Pod p = client.pods().inNamespace(NS).withName(pod).get();
    return p == null || p.getMetadata().getAnnotations() == null
        ? null
        : p.getMetadata().getAnnotations().get(dev.kubemigrate.job.StartGate.ANNOTATION);
  }

  private CompletableFuture<RunOutcome> startGated(MigrationSpec spec) {
    return CompletableFuture.supplyAsync(
        () ->
            engine()
                .run(
                    RunRequest.of(spec, NS)
                        .startedBy("test@host")
                        .kubemigrateImage("kubemigrate.local/kubemigrate:test")
                        .build()));
  }

  /** The pod, as the Job controller labels it, created now. */
  private static io.fabric8.kubernetes.api.model.Pod ofJob(Job job, PodBuilder pod) {
    return pod.editMetadata()
        .addToLabels("job-name", job.getMetadata().getName())
        .withCreationTimestamp(Instant.now().toString())
        .endMetadata()
        .build();
  }

  @Test
  @DisplayName(
      "A Job deleted the moment it is created, before the run's watch first lists it, ends the run"
          + " as JobDeleted within seconds, not at its deadline")
  void jobDeletedBeforeTheWatchSawItEndsTheRun() throws Exception {
    // Given a run whose Job is deleted as soon as the engine says it created it: the engine's
    // watch opens after that line, so it never sees the Job
    RunListener deleting =
        new RunListener() {
          @Override
          public void progress(String message) {
            if (message.startsWith("created Job ")) {
              client.batch().v1().jobs().inNamespace(NS).delete();
            }
          }

          @Override
          public void logLine(String pod, String line) {}
        };
    // When
    RunOutcome outcome =
        CompletableFuture.supplyAsync(
                () ->
                    new RunEngine(client, Clock.systemUTC(), deleting)
                        .run(request(spec("shop-migrate:1.0"), false)))
            .get(15, TimeUnit.SECONDS);
    // Then
    assertThat(outcome.exitCode()).isEqualTo(ExitCode.FAILED);
    assertThat(outcome.record().reason()).isEqualTo(dev.kubemigrate.api.Reason.JOB_DELETED);
  }

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(ints = {0, 300, 1500})
  @DisplayName(
      "A Job deleted at any moment while the run's watch follows it ends the run as JobDeleted"
          + " within seconds, not at its deadline")
  void jobDeletedWhileWatchedEndsTheRun(int afterMillis) throws Exception {
    // Given a run that follows its Job: the first line after "created Job" is the watch's own,
    // printed once its informers have listed and watch. (The mock server replays no history to a
    // watch, so a deletion between an informer's list and its watch would stay unseen there; a
    // real API server sends it from the list's resourceVersion.)
    java.util.concurrent.CountDownLatch watching = new java.util.concurrent.CountDownLatch(1);
    RunListener listener =
        new RunListener() {
          private volatile boolean created;

          @Override
          public void progress(String message) {
            if (created) {
              watching.countDown();
            }
            created |= message.startsWith("created Job ");
          }

          @Override
          public void logLine(String pod, String line) {}
        };
    CompletableFuture<RunOutcome> run =
        CompletableFuture.supplyAsync(
            () ->
                new RunEngine(client, Clock.systemUTC(), listener)
                    .run(request(spec("shop-migrate:1.0"), false)));
    assertThat(watching.await(15, TimeUnit.SECONDS)).isTrue();
    Job job = awaitJob();
    // When
    Thread.sleep(afterMillis); // the moment of the deletion is what varies
    client.batch().v1().jobs().inNamespace(NS).withName(job.getMetadata().getName()).delete();
    // Then
    RunOutcome outcome = run.get(15, TimeUnit.SECONDS);
    assertThat(outcome.exitCode()).isEqualTo(ExitCode.FAILED);
    assertThat(outcome.record().reason()).isEqualTo(dev.kubemigrate.api.Reason.JOB_DELETED);
  }

  private CompletableFuture<RunOutcome> start(MigrationSpec spec) {
    return CompletableFuture.supplyAsync(() -> engine().run(request(spec, false)));
  }

  private RunEngine engine() {
    return new RunEngine(client, Clock.systemUTC(), RunListener.SILENT);
  }

  private RecordStore records() {
    return new RecordStore(client, NS);
  }

  private static RunRequest request(MigrationSpec spec, boolean retry) {
    return RunRequest.of(spec, NS).retry(retry).startedBy("test@host").build();
  }

  private static MigrationSpec spec(String image) {
    return MigrationSpec.builder()
        .app("shop")
        .image("registry.example/" + image)
        .version("1.0")
        .build()
        .validate();
  }

  private Job awaitJob() {
    return await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () -> client.batch().v1().jobs().inNamespace(NS).list().getItems(),
            jobs -> !jobs.isEmpty())
        .get(0);
  }

  private void complete(Job job, String condition, String reason) {
    Job current =
        client.batch().v1().jobs().inNamespace(NS).withName(job.getMetadata().getName()).get();
    client
        .batch()
        .v1()
        .jobs()
        .inNamespace(NS)
        .resource(
            new JobBuilder(current)
                .withNewStatus()
                .addNewCondition()
                .withType(condition)
                .withStatus("True")
                .withReason(reason)
                .endCondition()
                .endStatus()
                .build())
        .update();
  }

  private void pod(Job job, String reason, int exitCode) {
    client
        .pods()
        .inNamespace(NS)
        .resource(
            ofJob(
                job,
                TestPods.terminated(job.getMetadata().getName() + "-p1", exitCode, reason, null)))
        .create();
  }

  @Test
  @DisplayName("History is bounded: the oldest finished records are pruned, active ones never")
  void historyIsPruned() {
    // Given 55 finished records of an app, and one active among the oldest
    RecordStore store = records();
    for (int i = 0; i < 55; i++) {
      RunState state = i == 0 ? RunState.RUNNING : RunState.SUCCEEDED;
      store.create(
          new RunRecord(
              "shop",
              Phase.PRE,
              "v" + i,
              state,
              "img",
              "h",
              "job-" + i,
              null,
              1,
              Instant.parse("2026-01-01T00:00:00Z").plusSeconds(i),
              null,
              null,
              null,
              null,
              "t",
              null,
              null,
              null,
              null));
    }
    // When
    int pruned = store.prune("shop", 50);
    // Then the 5 oldest but the active one are gone
    assertThat(pruned).isEqualTo(4);
    assertThat(store.list("shop")).hasSize(51);
    assertThat(store.get("shop", Phase.PRE, "v0")).isPresent();
    assertThat(store.get("shop", Phase.PRE, "v1")).isEmpty();
    assertThat(store.get("shop", Phase.PRE, "v5")).isPresent();
  }
}
