package dev.kubemigrate.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ClassifierTest {

  private static final Instant CREATED = Instant.parse("2026-01-01T10:00:00Z");
  private static final Duration GRACE = Duration.ofMinutes(2);

  @Test
  @DisplayName("A Job with the Complete condition has succeeded")
  void completeJobSucceeded() {
    // Given
    Job job = job("Complete", null);
    // When
    Verdict v = Classifier.classify(job, List.of(), CREATED, GRACE);
    // Then
    assertThat(v.kind()).isEqualTo(Verdict.Kind.SUCCEEDED);
  }

  @Test
  @DisplayName("A failed Job reports the container's exit code")
  void failedJobReportsExitCode() {
    // Given
    Pod pod = pod(terminated(3, "Error"));
    // When
    Verdict v =
        Classifier.classify(job("Failed", "BackoffLimitExceeded"), List.of(pod), CREATED, GRACE);
    // Then
    assertThat(v.kind()).isEqualTo(Verdict.Kind.FAILED);
    assertThat(v.exitCode()).isEqualTo(3);
    assertThat(v.message()).contains("exited with code 3");
  }

  @Test
  @DisplayName("An OOM-killed migration is said to be OOMKilled")
  void oomKilledIsNamed() {
    Verdict v =
        Classifier.classify(
            job("Failed", "BackoffLimitExceeded"),
            List.of(pod(terminated(137, "OOMKilled"))),
            CREATED,
            GRACE);
    assertThat(v.reason().label()).isEqualTo("OOMKilled");
    assertThat(v.message()).contains("OOMKilled");
  }

  @Test
  @DisplayName("An evicted pod is named as the cause of the failure")
  void evictedPodIsNamed() {
    // Given
    Pod evicted =
        new PodBuilder(pod())
            .editStatus()
            .withPhase("Failed")
            .withReason("Evicted")
            .withMessage("The node was low on resource: memory.")
            .endStatus()
            .build();
    // When
    Verdict v =
        Classifier.classify(
            job("Failed", "BackoffLimitExceeded"), List.of(evicted), CREATED, GRACE);
    // Then
    assertThat(v.kind()).isEqualTo(Verdict.Kind.FAILED);
    assertThat(v.reason().label()).isEqualTo("Evicted");
    assertThat(v.message()).contains("low on resource: memory");
  }

  @Test
  @DisplayName("A container whose command is missing could not start, and says why")
  void missingCommandCouldNotStart() {
    // Given a container that containerd could not start
    Pod pod =
        pod(
            new ContainerStatusBuilder()
                .withName("migrate")
                .withNewState()
                .withNewTerminated()
                .withExitCode(128)
                .withReason("StartError")
                .withMessage("exec: \"/bin/flyway\": stat /bin/flyway: no such file or directory")
                .endTerminated()
                .endState()
                .build());
    // When (before the Job's verdict, and after it)
    Verdict early = Classifier.classify(job(null, null), List.of(pod), CREATED, GRACE);
    Verdict late =
        Classifier.classify(job("Failed", "BackoffLimitExceeded"), List.of(pod), CREATED, GRACE);
    // Then
    assertThat(early.kind()).isEqualTo(Verdict.Kind.COULD_NOT_START);
    assertThat(late.kind()).isEqualTo(Verdict.Kind.COULD_NOT_START);
    assertThat(late.message()).contains("no such file or directory");
  }

  @Test
  @DisplayName("A Job past its deadline has timed out")
  void deadlineExceededIsTimeout() {
    Verdict v = Classifier.classify(job("Failed", "DeadlineExceeded"), List.of(), CREATED, GRACE);
    assertThat(v.kind()).isEqualTo(Verdict.Kind.TIMED_OUT);
    assertThat(v.reason().exitCode().code()).isEqualTo(4);
  }

  @Test
  @DisplayName("FailureTarget (newer servers) ends the run before the Failed condition")
  void failureTargetEndsTheRun() {
    Verdict v =
        Classifier.classify(
            job("FailureTarget", "PodFailurePolicy"),
            List.of(pod(terminated(1, "Error"))),
            CREATED,
            GRACE);
    assertThat(v.kind()).isEqualTo(Verdict.Kind.FAILED);
  }

  @Test
  @DisplayName("A missing secret fails the run at once, without a grace period")
  void missingSecretFailsFast() {
    // Given a pod that cannot be configured, one second old
    Pod pod = pod(waiting("CreateContainerConfigError", "secret \"db\" not found"));
    // When
    Verdict v = Classifier.classify(job(null, null), List.of(pod), CREATED.plusSeconds(1), GRACE);
    // Then
    assertThat(v.kind()).isEqualTo(Verdict.Kind.COULD_NOT_START);
    assertThat(v.message()).contains("secret \"db\" not found");
  }

  @Test
  @DisplayName("An image that cannot be pulled waits out the startup grace, then cannot start")
  void imagePullFailsAfterGrace() {
    Pod pod = pod(waiting("ImagePullBackOff", "Back-off pulling image"));
    Verdict early =
        Classifier.classify(job(null, null), List.of(pod), CREATED.plusSeconds(30), GRACE);
    Verdict late = Classifier.classify(job(null, null), List.of(pod), CREATED.plus(GRACE), GRACE);
    assertThat(early.kind()).isEqualTo(Verdict.Kind.WAITING);
    assertThat(early.message()).contains("giving up in 1m30s");
    assertThat(late.kind()).isEqualTo(Verdict.Kind.COULD_NOT_START);
    assertThat(late.reason().label()).isEqualTo("ImagePullBackOff");
  }

  @Test
  @DisplayName("An unschedulable pod cannot start once the grace has passed")
  void unschedulableAfterGrace() {
    Pod pod =
        new PodBuilder(pod())
            .editStatus()
            .addNewCondition()
            .withType("PodScheduled")
            .withStatus("False")
            .withReason("Unschedulable")
            .withMessage("0/1 nodes are available: 1 Insufficient memory.")
            .endCondition()
            .endStatus()
            .build();
    Verdict v = Classifier.classify(job(null, null), List.of(pod), CREATED.plus(GRACE), GRACE);
    assertThat(v.kind()).isEqualTo(Verdict.Kind.COULD_NOT_START);
    assertThat(v.message()).contains("Insufficient memory");
  }

  @Test
  @DisplayName("A running container means the migration runs")
  void runningContainer() {
    Pod pod =
        pod(
            new ContainerStatusBuilder()
                .withName("migrate")
                .withNewState()
                .withNewRunning()
                .endRunning()
                .endState()
                .build());
    assertThat(Classifier.classify(job(null, null), List.of(pod), CREATED, GRACE).kind())
        .isEqualTo(Verdict.Kind.RUNNING);
  }

  @Test
  @DisplayName("No Job yet is waiting, not failing")
  void noJobIsWaiting() {
    assertThat(Classifier.classify(null, List.of(), CREATED, GRACE).kind())
        .isEqualTo(Verdict.Kind.WAITING);
  }

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(
      strings = {
        // as the Job controller of Kubernetes 1.20 to 1.35 words them (job_controller.go,
        // "Error creating: " + the API server's refusal of the pod)
        "Error creating: pods \"m-1-x\" is forbidden: error looking up service account shop/sa:"
            + " serviceaccount \"sa\" not found",
        "Error creating: pods \"m-1-x\" is forbidden: exceeded quota: compute, requested:"
            + " limits.memory=1Gi, used: limits.memory=4Gi, limited: limits.memory=4Gi",
        "Error creating: admission webhook \"policy.example.com\" denied the request: images"
            + " must come from registry.example.com",
        "Error creating: pods \"m-1-x\" is forbidden: maximum memory usage per Container is 1Gi,"
            + " but limit is 2Gi"
      })
  @DisplayName(
      "A Job without a pod whose controller reports FailedCreate cannot start, in its words")
  void failedCreateCannotStart(String message) {
    // Given an older event of another reason, and the FailedCreate
    List<io.fabric8.kubernetes.api.model.Event> events =
        List.of(
            event("SuccessfulCreate", "Created pod: m-1-old", "2026-01-01T09:00:00Z"),
            event("FailedCreate", message, "2026-01-01T10:00:01Z"));
    // When
    Verdict v = Classifier.classify(job(null, null), List.of(), events, CREATED, GRACE);
    // Then
    assertThat(v.kind()).isEqualTo(Verdict.Kind.COULD_NOT_START);
    assertThat(v.reason()).isEqualTo(dev.kubemigrate.api.Reason.FAILED_CREATE);
    assertThat(v.message()).contains(message);
  }

  @Test
  @DisplayName(
      "FailedCreate is not a verdict while the Job has a pod, nor is an event of another reason")
  void failedCreateOnlyWithoutPod() {
    List<io.fabric8.kubernetes.api.model.Event> failed =
        List.of(event("FailedCreate", "Error creating: quota", "2026-01-01T10:00:01Z"));
    assertThat(
            Classifier.classify(
                    job(null, null),
                    List.of(pod(waiting("ContainerCreating", null))),
                    failed,
                    CREATED,
                    GRACE)
                .kind())
        .isEqualTo(Verdict.Kind.WAITING);
    assertThat(
            Classifier.classify(
                    job(null, null),
                    List.of(),
                    List.of(event("SuccessfulCreate", "Created pod: m", "2026-01-01T10:00:01Z")),
                    CREATED,
                    GRACE)
                .kind())
        .isEqualTo(Verdict.Kind.WAITING);
  }

  private static io.fabric8.kubernetes.api.model.Event event(
      String reason, String message, String at) {
    return new io.fabric8.kubernetes.api.model.EventBuilder()
        .withNewMetadata()
        .withName("j." + reason)
        .endMetadata()
        .withReason(reason)
        .withMessage(message)
        .withLastTimestamp(at)
        .build();
  }

  private static Job job(String condition, String reason) {
    JobBuilder b =
        new JobBuilder().withNewMetadata().withName("j").endMetadata().withNewStatus().endStatus();
    if (condition != null) {
      b.editStatus()
          .addNewCondition()
          .withType(condition)
          .withStatus("True")
          .withReason(reason)
          .endCondition()
          .endStatus();
    }
    return b.build();
  }

  private static Pod pod(io.fabric8.kubernetes.api.model.ContainerStatus... statuses) {
    return new PodBuilder()
        .withNewMetadata()
        .withName("j-abcde")
        .withCreationTimestamp(CREATED.toString())
        .endMetadata()
        .withNewStatus()
        .withContainerStatuses(statuses)
        .endStatus()
        .build();
  }

  private static io.fabric8.kubernetes.api.model.ContainerStatus terminated(
      int code, String reason) {
    return new ContainerStatusBuilder()
        .withName("migrate")
        .withNewState()
        .withNewTerminated()
        .withExitCode(code)
        .withReason(reason)
        .endTerminated()
        .endState()
        .build();
  }

  private static io.fabric8.kubernetes.api.model.ContainerStatus waiting(
      String reason, String message) {
    return new ContainerStatusBuilder()
        .withName("migrate")
        .withImage("127.0.0.1:1/none:1")
        .withNewState()
        .withNewWaiting()
        .withReason(reason)
        .withMessage(message)
        .endWaiting()
        .endState()
        .build();
  }
}
