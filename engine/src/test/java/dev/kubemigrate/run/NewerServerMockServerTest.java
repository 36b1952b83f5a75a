package dev.kubemigrate.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kubemigrate.api.ExitCode;
import dev.kubemigrate.api.MigrationSpec;
import dev.kubemigrate.api.Phase;
import dev.kubemigrate.api.Reason;
import dev.kubemigrate.api.RunListener;
import dev.kubemigrate.api.RunOutcome;
import dev.kubemigrate.api.RunRequest;
import dev.kubemigrate.engine.Kubemigrate;
import dev.kubemigrate.job.RunNames;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatus;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.VersionInfo;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The engine against fabric8's CRUD mock API server playing a Kubernetes 1.31+ server: the test
 * writes the Job and pod statuses that its job controller, scheduler and kubelet would write, and
 * never the terminal condition (Failed, Complete) that such a server adds only once every pod has
 * stopped. Where each shape comes from is said at each test. The Job controller's shapes are those
 * of kubernetes/kubernetes pkg/controller/job/job_controller.go (commit 6ae037f1, 1.31):
 * newFailureCondition() and newSuccessCondition() add FailureTarget and SuccessCriteriaMet when
 * delayTerminalCondition() (JobPodReplacementPolicy or JobManagedBy on: the default from 1.31),
 * status.terminating counts the pods being deleted, and enactJobFinished() adds Failed or Complete
 * only once it is 0; the Jobs concept page says the same under "Terminal Job conditions" and
 * "Termination of Job pods" (kubernetes.io/docs/concepts/workloads/controllers/job/).
 */
@EnableKubernetesMockClient(crud = true)
class NewerServerMockServerTest {

  private static final String NS = "test";

  /** The finalizer that the Job controller puts on its pods (batch/v1 JobTrackingFinalizer). */
  private static final String JOB_TRACKING = "batch.kubernetes.io/job-tracking";

  KubernetesMockServer server;
  KubernetesClient client;

  @BeforeEach
  void kubernetes131() {
    // GET /version as a 1.31 API server answers it (k8s.io/apimachinery/pkg/version.Info)
    server.setVersionInfo(
        new VersionInfo.Builder().withMajor("1").withMinor("31").withGitVersion("v1.31.4").build());
  }

  @Test
  @DisplayName("1.31+: FailureTarget/DeadlineExceeded ends the run while the pod is still stopping")
  void deadlineEndsTheRunBeforeFailed() throws Exception {
    // Given a run whose migration runs
    CompletableFuture<RunOutcome> run = start(spec(0));
    Job job = awaitJob("1.0");
    String pod = createPod(job, running());
    // When the deadline passes: the Job controller deletes the active pod (its kubelet now stops
    // it, within terminationGracePeriodSeconds) and says FailureTarget, active 0, terminating 1
    client.pods().inNamespace(NS).withName(pod).delete();
    status(
        job,
        s ->
            s.withActive(0)
                .withTerminating(1)
                .addNewCondition()
                .withType("FailureTarget")
                .withStatus("True")
                .withReason("DeadlineExceeded")
                .withMessage("Job was active longer than specified deadline")
                .endCondition());
    RunOutcome outcome = run.get(30, TimeUnit.SECONDS);
    // Then: timed out, without the Failed condition
    assertThat(outcome.exitCode()).isEqualTo(ExitCode.TIMED_OUT);
    assertThat(outcome.record().reason()).isEqualTo(Reason.DEADLINE_EXCEEDED);
  }

  @Test
  @DisplayName("1.31+: a pod the scheduler preempted fails the run as Disrupted, before Failed")
  void preemptedPodIsDisrupted() throws Exception {
    // Given a run
    CompletableFuture<RunOutcome> run = start(spec(0));
    Job job = awaitJob("1.0");
    // When the scheduler preempts its pod: it adds DisruptionTarget, then deletes the pod
    // (pkg/scheduler/framework/preemption/preemption.go, commit 98be7dfc, prepareCandidate), and
    // the kubelet stops the container (SIGTERM: exit 143)
    String pod =
        createPod(
            job,
            p ->
                p.editStatus()
                    .withPhase("Failed")
                    .addNewCondition()
                    .withType("DisruptionTarget")
                    .withStatus("True")
                    .withReason("PreemptionByScheduler")
                    .withMessage(
                        "default-scheduler: preempting to accommodate a higher priority pod")
                    .endCondition()
                    .addNewContainerStatus()
                    .withName("migrate")
                    .withNewState()
                    .withNewTerminated()
                    .withExitCode(143)
                    .withReason("Error")
                    .endTerminated()
                    .endState()
                    .endContainerStatus()
                    .endStatus());
    String uid = client.pods().inNamespace(NS).withName(pod).get().getMetadata().getUid();
    client.pods().inNamespace(NS).withName(pod).delete();
    // and the Job controller counts the deleted pod as failed: with backoffLimit 0, FailureTarget
    // BackoffLimitExceeded, the pod in uncountedTerminatedPods until its finalizer is removed
    status(
        job,
        s ->
            s.withActive(0)
                .withTerminating(0)
                .withNewUncountedTerminatedPods()
                .addToFailed(uid)
                .endUncountedTerminatedPods()
                .addNewCondition()
                .withType("FailureTarget")
                .withStatus("True")
                .withReason("BackoffLimitExceeded")
                .withMessage("Job has reached the specified backoff limit")
                .endCondition());
    RunOutcome outcome = run.get(30, TimeUnit.SECONDS);
    // Then: not the migration's failure; the condition's words are in the result
    assertThat(outcome.exitCode()).isEqualTo(ExitCode.FAILED);
    assertThat(outcome.record().reason()).isEqualTo(Reason.DISRUPTED);
    assertThat(outcome.record().message())
        .contains("preempted by the scheduler (PreemptionByScheduler)")
        .contains("preempting to accommodate a higher priority pod");
  }

  @Test
  @DisplayName("1.31+: SuccessCriteriaMet/CompletionsReached records the success before Complete")
  void successCriteriaMetSucceeds() throws Exception {
    // Given a run whose pod succeeded
    CompletableFuture<RunOutcome> run = start(spec(0));
    Job job = awaitJob("1.0");
    createPod(
        job,
        p ->
            p.editStatus()
                .withPhase("Succeeded")
                .addNewContainerStatus()
                .withName("migrate")
                .withNewState()
                .withNewTerminated()
                .withExitCode(0)
                .withReason("Completed")
                .endTerminated()
                .endState()
                .endContainerStatus()
                .endStatus());
    // When the Job controller says SuccessCriteriaMet (reason CompletionsReached since 1.31,
    // kubernetes#126074), Complete still to come
    status(
        job,
        s ->
            s.withActive(0)
                .withTerminating(0)
                .addNewCondition()
                .withType("SuccessCriteriaMet")
                .withStatus("True")
                .withReason("CompletionsReached")
                .withMessage("Reached expected number of succeeded pods")
                .endCondition());
    // Then
    assertThat(run.get(30, TimeUnit.SECONDS).exitCode()).isEqualTo(ExitCode.SUCCEEDED);
  }

  @Test
  @DisplayName("The Job is built for the server it is sent to, whose version is read once")
  void jobIsBuiltForTheServerReadOnce() throws Exception {
    // Given one engine for two runs that may retry, as the operator has one for all
    Kubemigrate kubemigrate = new Kubemigrate(client, Clock.systemUTC());
    drainRequests();
    // When both run, each to its end
    for (String version : new String[] {"1.0", "1.1"}) {
      MigrationSpec spec = spec(2, version);
      CompletableFuture<RunOutcome> run =
          CompletableFuture.supplyAsync(
              () -> kubemigrate.run(request(spec), RunListener.SILENT).get());
      Job job = awaitJob(version);
      // Then its Job replaces a pod only once it has stopped (JobPodReplacementPolicy, 1.29+)
      assertThat(job.getSpec().getPodReplacementPolicy()).isEqualTo("Failed");
      assertThat(job.getSpec().getBackoffLimit()).isEqualTo(2);
      status(
          job,
          s ->
              s.addNewCondition()
                  .withType("SuccessCriteriaMet")
                  .withStatus("True")
                  .withReason("CompletionsReached")
                  .endCondition());
      assertThat(run.get(30, TimeUnit.SECONDS).exitCode()).isEqualTo(ExitCode.SUCCEEDED);
    }
    // And GET /version was asked once for both
    assertThat(drainRequests()).isEqualTo(1);
  }

  /** Takes every request the server has recorded; returns how many were GET /version. */
  private int drainRequests() throws InterruptedException {
    int versions = 0;
    RecordedRequest r;
    while ((r = server.takeRequest(200, TimeUnit.MILLISECONDS)) != null) {
      if ("/version".equals(r.getPath())) {
        versions++;
      }
    }
    return versions;
  }

  private CompletableFuture<RunOutcome> start(MigrationSpec spec) {
    return CompletableFuture.supplyAsync(
        () -> new RunEngine(client, Clock.systemUTC(), RunListener.SILENT).run(request(spec)));
  }

  private static RunRequest request(MigrationSpec spec) {
    return RunRequest.of(spec, NS).startedBy("test@host").build();
  }

  private static MigrationSpec spec(int retries) {
    return spec(retries, "1.0");
  }

  private static MigrationSpec spec(int retries, String version) {
    return MigrationSpec.builder()
        .app("shop")
        .image("registry.example/shop-migrate:1.0")
        .version(version)
        .retries(retries)
        .build()
        .validate();
  }

  private Job awaitJob(String version) {
    String name = RunNames.jobName("shop", Phase.PRE, version, 1);
    return await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () -> client.batch().v1().jobs().inNamespace(NS).withName(name).get(), j -> j != null);
  }

  /** Sets the Job's status as the Job controller would, keeping the rest of the Job. */
  private void status(Job job, UnaryOperator<JobStatusBuilder> change) {
    Job current =
        client.batch().v1().jobs().inNamespace(NS).withName(job.getMetadata().getName()).get();
    JobStatus before = current.getStatus() == null ? new JobStatus() : current.getStatus();
    client
        .batch()
        .v1()
        .jobs()
        .inNamespace(NS)
        .resource(
            new JobBuilder(current)
                .withStatus(change.apply(new JobStatusBuilder(before)).build())
                .build())
        .update();
  }

  /** The Job's pod, with its controller's label and finalizer, and the status {@code status}. */
  private String createPod(Job job, UnaryOperator<PodBuilder> status) {
    String name = job.getMetadata().getName() + "-p1";
    Pod pod =
        status
            .apply(
                new PodBuilder()
                    .withNewMetadata()
                    .withName(name)
                    .addToLabels("job-name", job.getMetadata().getName())
                    .addToFinalizers(JOB_TRACKING)
                    .withCreationTimestamp(Instant.now().toString())
                    .endMetadata()
                    .withNewStatus()
                    .withPhase("Running")
                    .endStatus())
            .build();
    client.pods().inNamespace(NS).resource(pod).create();
    return name;
  }

  private static UnaryOperator<PodBuilder> running() {
    return p ->
        p.editStatus()
            .addNewContainerStatus()
            .withName("migrate")
            .withNewState()
            .withNewRunning()
            .endRunning()
            .endState()
            .endContainerStatus()
            .endStatus();
  }
}
