package dev.kubemigrate.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kubemigrate.api.ExitCode;
import dev.kubemigrate.api.MigrationSpec;
import dev.kubemigrate.api.RunListener;
import dev.kubemigrate.api.RunOutcome;
import dev.kubemigrate.api.RunRequest;
import dev.kubemigrate.job.Labels;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Runs that see their Job and pods through the operator's shared informers, on fabric8's CRUD mock
 * server: each run reads only its own Job and pods, and is woken by their changes alone.
 */
@EnableKubernetesMockClient(crud = true)
class SharedJobWatchesMockServerTest {

  private static final String NS = "test";

  KubernetesClient client;
  private SharedJobWatches watches;

  @BeforeEach
  void setUp() {
    watches = new SharedJobWatches(client, List.of(NS));
  }

  @AfterEach
  void tearDown() {
    watches.close();
  }

  @Test
  @DisplayName("Two runs sharing the watches each end with their own Job's result")
  void twoRunsEachSeeTheirOwnJob() throws Exception {
    // Given two apps' runs started at once on the same shared watches
    CompletableFuture<RunOutcome> shop = start("shop");
    CompletableFuture<RunOutcome> billing = start("billing");
    Job shopJob = awaitJob("shop");
    Job billingJob = awaitJob("billing");
    // When shop's Job fails with its pod's exit code 3, and billing's completes
    pod(shopJob, 3);
    condition(shopJob, "Failed", "BackoffLimitExceeded");
    condition(billingJob, "Complete", null);
    // Then each reports its own
    RunOutcome s = shop.get(30, TimeUnit.SECONDS);
    RunOutcome b = billing.get(30, TimeUnit.SECONDS);
    assertThat(s.exitCode()).isEqualTo(ExitCode.FAILED);
    assertThat(s.record().exitCode()).isEqualTo(3);
    assertThat(b.exitCode()).isEqualTo(ExitCode.SUCCEEDED);
    assertThat(b.record().jobUid()).isEqualTo(billingJob.getMetadata().getUid());
  }

  @Test
  @DisplayName("A pod that cannot start, seen through the shared pod informer, stops the run")
  void podThatCannotStartIsSeen() throws Exception {
    CompletableFuture<RunOutcome> run = start("shop");
    Job job = awaitJob("shop");
    client
        .pods()
        .inNamespace(NS)
        .resource(
            TestPods.waiting(
                    job.getMetadata().getName() + "-x1",
                    "CreateContainerConfigError",
                    "secret \"db\" not found")
                .editMetadata()
                .addToLabels("job-name", job.getMetadata().getName())
                .addToLabels(Labels.MANAGED_BY, Labels.MANAGED_BY_VALUE)
                .withCreationTimestamp(Instant.now().toString())
                .endMetadata()
                .build())
        .create();
    RunOutcome outcome = run.get(30, TimeUnit.SECONDS);
    assertThat(outcome.exitCode()).isEqualTo(ExitCode.COULD_NOT_START);
    assertThat(outcome.summary()).contains("secret \"db\" not found");
  }

  private CompletableFuture<RunOutcome> start(String app) {
    MigrationSpec spec =
        MigrationSpec.builder()
            .app(app)
            .image("registry.example/" + app + "-migrate:1.0")
            .version("1.0")
            .build()
            .validate();
    RunEngine engine = new RunEngine(client, Clock.systemUTC(), RunListener.SILENT, watches, null);
    // Its own thread per run: the common pool may have a single one on a small machine.
    CompletableFuture<RunOutcome> outcome = new CompletableFuture<>();
    Thread t =
        new Thread(
            () -> {
              try {
                outcome.complete(
                    engine.run(RunRequest.of(spec, NS).startedBy("test@host").build()));
              } catch (RuntimeException e) {
                outcome.completeExceptionally(e);
              }
            });
    t.setDaemon(true);
    t.start();
    return outcome;
  }

  private Job awaitJob(String app) {
    return await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                client.batch().v1().jobs().inNamespace(NS).list().getItems().stream()
                    .filter(j -> j.getMetadata().getName().startsWith(app + "-"))
                    .findFirst()
                    .orElse(null),
            j -> j != null);
  }

  private void condition(Job job, String type, String reason) {
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
                .withType(type)
                .withStatus("True")
                .withReason(reason)
                .endCondition()
                .endStatus()
                .build())
        .update();
  }

  private void pod(Job job, int exitCode) {
    client
        .pods()
        .inNamespace(NS)
        .resource(
            TestPods.terminated(job.getMetadata().getName() + "-p1", exitCode, "Error", null)
                .editMetadata()
                .addToLabels("job-name", job.getMetadata().getName())
                .addToLabels(Labels.MANAGED_BY, Labels.MANAGED_BY_VALUE)
                .withCreationTimestamp(Instant.now().toString())
                .endMetadata()
                .build())
        .create();
  }
}
