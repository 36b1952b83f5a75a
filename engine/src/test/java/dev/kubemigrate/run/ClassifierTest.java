package dev.kubemigrate.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubemigrate.api.Reason;
import dev.kubemigrate.job.JobFactory;
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

  // ---- Kubernetes 1.31+: the interim conditions, before Failed and Complete
  // ----------------------
  //
  // Shapes from kubernetes/kubernetes pkg/controller/job/job_controller.go (commit 6ae037f1,
  // release-1.31 era): newFailureCondition() adds FailureTarget instead of Failed when
  // delayTerminalCondition() (JobManagedBy or JobPodReplacementPolicy on, the default since 1.31),
  // with the reasons and messages of staging/src/k8s.io/api/batch/v1/types.go
  // (JobReasonBackoffLimitExceeded, JobReasonDeadlineExceeded, JobReasonPodFailurePolicy);
  // enactJobFinished() adds Failed or Complete only once status.terminating is 0. See also the
  // Jobs concept page, "Terminal Job conditions" and "Termination of Job pods" (v1.31+).

  @Test
  @DisplayName(
      "1.31+: FailureTarget/BackoffLimitExceeded fails the run from its pod, before Failed")
  void failureTargetBackoffLimitUsesThePod() {
    // Given the interim condition alone, and the pod that failed
    Job job =
        job("FailureTarget", "BackoffLimitExceeded", "Job has reached the specified backoff limit");
    Pod pod =
        new PodBuilder(pod(terminated(3, "Error")))
            .editStatus()
            .withPhase("Failed")
            .endStatus()
            .build();
    // When
    Verdict v = Classifier.classify(job, List.of(pod), CREATED, GRACE);
    // Then
    assertThat(v.kind()).isEqualTo(Verdict.Kind.FAILED);
    assertThat(v.reason()).isEqualTo(Reason.ERROR);
    assertThat(v.exitCode()).isEqualTo(3);
  }

  @Test
  @DisplayName(
      "1.31+: FailureTarget/DeadlineExceeded times out while the pod is still being stopped")
  void failureTargetDeadlineWhilePodTerminates() {
    // Given the deadline's interim condition, status.terminating 1, and the pod still running
    Job job =
        new JobBuilder(
                job(
                    "FailureTarget",
                    "DeadlineExceeded",
                    "Job was active longer than specified deadline"))
            .editStatus()
            .withActive(0)
            .withTerminating(1)
            .endStatus()
            .build();
    Pod pod = terminating(pod(running()));
    // When
    Verdict v = Classifier.classify(job, List.of(pod), CREATED, GRACE);
    // Then
    assertThat(v.kind()).isEqualTo(Verdict.Kind.TIMED_OUT);
    assertThat(v.reason()).isEqualTo(Reason.DEADLINE_EXCEEDED);
  }

  @Test
  @DisplayName("1.31+: FailureTarget/PodFailurePolicy names the exit code of the pod that failed")
  void failureTargetPodFailurePolicy() {
    // Given the message of pod_failure_policy.go's FailJob rule on exit codes
    Job job =
        job(
            "FailureTarget",
            "PodFailurePolicy",
            "Container migrate for pod shop/j-abcde failed with exit code 42 matching FailJob rule"
                + " at index 0");
    // When
    Verdict v = Classifier.classify(job, List.of(pod(terminated(42, "Error"))), CREATED, GRACE);
    // Then
    assertThat(v.reason()).isEqualTo(Reason.ERROR);
    assertThat(v.exitCode()).isEqualTo(42);
  }

  @Test
  @DisplayName("1.31+: SuccessCriteriaMet/CompletionsReached is success, before Complete")
  void successCriteriaMetIsSuccess() {
    // Given the interim condition that kubernetes#126074 (1.31) gave the reason CompletionsReached
    Job job =
        job(
            "SuccessCriteriaMet",
            "CompletionsReached",
            "Reached expected number of succeeded pods");
    // When
    Verdict v = Classifier.classify(job, List.of(pod(terminated(0, "Completed"))), CREATED, GRACE);
    // Then
    assertThat(v.kind()).isEqualTo(Verdict.Kind.SUCCEEDED);
    assertThat(v.reason()).isEqualTo(Reason.COMPLETED);
  }

  @Test
  @DisplayName("A condition that is not True decides nothing")
  void falseConditionsDecideNothing() {
    Job job =
        new JobBuilder(job(null, null))
            .editStatus()
            .addNewCondition()
            .withType("FailureTarget")
            .withStatus("False")
            .endCondition()
            .endStatus()
            .build();
    assertThat(Classifier.classify(job, List.of(pod(running())), CREATED, GRACE).kind())
        .isEqualTo(Verdict.Kind.RUNNING);
  }

  // ---- DisruptionTarget: the cluster stopped the pod --------------------------------------------
  //
  // The pod condition of staging/src/k8s.io/api/core/v1/types.go (DisruptionTarget, status True;
  // PodDisruptionConditions beta 1.26, GA 1.31), its reasons as the Pod disruption conditions of
  // kubernetes.io/docs/concepts/workloads/pods/disruptions/ list them, and their messages as
  // each sender writes them: pkg/scheduler/framework/preemption/preemption.go (commit 98be7dfc),
  // pkg/registry/core/pod/storage/eviction.go, pkg/controller/tainteviction/taint_eviction.go
  // (commit 5ce22905), pkg/controller/podgc/gc_controller.go and
  // pkg/kubelet/nodeshutdown/nodeshutdown_manager.go.

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.CsvSource(
      delimiter = '|',
      value = {
        "PreemptionByScheduler | default-scheduler: preempting to accommodate a higher priority"
            + " pod | preempted by the scheduler",
        "EvictionByEvictionAPI | Eviction API: evicting | Eviction API",
        "DeletionByTaintManager | Taint manager: deleting due to NoExecute taint | NoExecute taint",
        "DeletionByPodGC | PodGC: node no longer exists | node is gone",
        "TerminationByKubelet | Pod was terminated in response to imminent node shutdown. | kubelet"
      })
  @DisplayName(
      "A disrupted pod fails the run as Disrupted, with the condition's reason and message")
  void disruptionTargetIsDisrupted(String reason, String message, String says) {
    // Given the Job's verdict (the deleted pod counts as failed), and the pod being stopped
    Pod pod = terminating(disruptionTarget(pod(terminated(143, "Error")), reason, message));
    Job job =
        job("FailureTarget", "BackoffLimitExceeded", "Job has reached the specified backoff limit");
    // When
    Verdict v = Classifier.classify(job, List.of(pod), CREATED, GRACE);
    // Then: not the migration's exit 143 as its own failure
    assertThat(v.kind()).isEqualTo(Verdict.Kind.FAILED);
    assertThat(v.reason()).isEqualTo(Reason.DISRUPTED);
    assertThat(v.reason().exitCode().code()).isEqualTo(1);
    assertThat(v.message()).contains(says).contains("(" + reason + ")").contains(message);
    assertThat(v.exitCode()).isEqualTo(143);
  }

  @Test
  @DisplayName("Up to 1.30, Failed comes at once: a disrupted pod is Disrupted there too")
  void disruptionTargetWithFailed() {
    Pod pod =
        new PodBuilder(
                disruptionTarget(
                    pod(running()),
                    "PreemptionByScheduler",
                    "default-scheduler: preempting to accommodate a higher priority pod"))
            .editStatus()
            .withPhase("Failed")
            .endStatus()
            .build();
    Verdict v =
        Classifier.classify(job("Failed", "BackoffLimitExceeded"), List.of(pod), CREATED, GRACE);
    assertThat(v.reason()).isEqualTo(Reason.DISRUPTED);
    assertThat(v.exitCode()).isNull();
  }

  @Test
  @DisplayName(
      "A DisruptionTarget on a pod that is not stopping, or set back to False, is no cause")
  void abandonedDisruptionIsNoCause() {
    // Given a pod still running, marked for a disruption that did not go ahead, and a failed pod
    // whose condition the disruption controller set back to False
    Pod marked =
        disruptionTarget(pod(running()), "EvictionByEvictionAPI", "Eviction API: evicting");
    Pod reset =
        new PodBuilder(
                terminating(
                    disruptionTarget(
                        pod(terminated(1, "Error")),
                        "EvictionByEvictionAPI",
                        "Eviction API: evicting")))
            .editStatus()
            .withPhase("Failed")
            .editMatchingCondition(c -> "DisruptionTarget".equals(c.getType()))
            .withStatus("False")
            .endCondition()
            .endStatus()
            .build();
    Job job = job("Failed", "BackoffLimitExceeded");
    // When / Then: what the Job and the migration say
    assertThat(Classifier.classify(job, List.of(marked), CREATED, GRACE).reason())
        .isEqualTo(Reason.BACKOFF_LIMIT_EXCEEDED);
    assertThat(Classifier.classify(job, List.of(reset), CREATED, GRACE).reason())
        .isEqualTo(Reason.ERROR);
  }

  @Test
  @DisplayName("A node-pressure eviction stays Evicted, with or without its DisruptionTarget")
  void nodePressureEvictionStaysEvicted() {
    // Given the kubelet's eviction (pkg/kubelet/eviction/eviction_manager.go): phase Failed, reason
    // Evicted, and on 1.26+ DisruptionTarget/TerminationByKubelet with the same message
    String message = "The node was low on resource: memory. ";
    Pod evicted =
        new PodBuilder(disruptionTarget(pod(), "TerminationByKubelet", message))
            .editStatus()
            .withPhase("Failed")
            .withReason("Evicted")
            .withMessage(message)
            .endStatus()
            .build();
    Verdict v =
        Classifier.classify(
            job("FailureTarget", "BackoffLimitExceeded"), List.of(evicted), CREATED, GRACE);
    assertThat(v.reason()).isEqualTo(Reason.EVICTED);
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

  @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
  @org.junit.jupiter.params.provider.CsvSource(
      delimiter = '|',
      value = {
        "migrate     | cannot pull image reg.invalid/km:1: ",
        "start-once  | cannot pull image reg.invalid/km:1 of init container start-once,"
            + " kubemigrate's own image (--kubemigrate-image",
        "wait-for-db | cannot pull image reg.invalid/km:1 of init container wait-for-db,"
            + " kubemigrate's own image (--kubemigrate-image",
        "vault-agent | cannot pull image reg.invalid/km:1 of container vault-agent: "
      })
  @DisplayName("A hopeless pull says whose image it is: the migration's, kubemigrate's, or another")
  void pullNamesWhoseImage(String container, String said) {
    // Given a pod whose init container (or the migration's) cannot pull, the host unknown
    String message =
        "failed to pull and unpack image \"reg.invalid/km:1\": dial tcp: lookup reg.invalid on"
            + " 10.0.0.53:53: no such host";
    io.fabric8.kubernetes.api.model.ContainerStatus status =
        new ContainerStatusBuilder(waiting("ErrImagePull", message))
            .withName(container)
            .withImage("reg.invalid/km:1")
            .build();
    Pod pod =
        container.equals("migrate")
            ? pod(status)
            : new PodBuilder(pod(waiting("PodInitializing", null)))
                .editStatus()
                .withInitContainerStatuses(status)
                .endStatus()
                .build();
    // When
    Verdict v = Classifier.classify(job(null, null), List.of(pod), CREATED.plusSeconds(1), GRACE);
    // Then it cannot start at once, and names the image and whose it is
    assertThat(v.kind()).isEqualTo(Verdict.Kind.COULD_NOT_START);
    assertThat(v.reason()).isEqualTo(Reason.REGISTRY_HOST_NOT_FOUND);
    assertThat(v.message()).startsWith(said).endsWith("no such host");
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

  @Test
  @DisplayName(
      "A Job that starts once, whose started pod was deleted and replaced: runs while that pod"
          + " stops, then PodDeleted; never the replacement's start")
  void replacedPodOfAJobThatStartsOnce() {
    Job once =
        new JobFactory().build(dev.kubemigrate.job.TestSpecs.shop().build().validate(), "shop", 1);
    Job retrying =
        new JobFactory()
            .build(dev.kubemigrate.job.TestSpecs.shop().retries(1).build().validate(), "shop", 1);
    once.setStatus(new io.fabric8.kubernetes.api.model.batch.v1.JobStatus());
    retrying.setStatus(new io.fabric8.kubernetes.api.model.batch.v1.JobStatus());
    Pod stopping = named(terminating(pod(running())), "j-first", 0);
    Pod stopped = named(terminating(pod(terminated(143, "Error"))), "j-first", 0);
    Pod replacement = named(pod(waiting("ContainerCreating", null)), "j-again", 1);

    // While the deleted pod stops, the migration may still run in it
    Verdict whileStopping =
        Classifier.classify(
            once, List.of(stopping, replacement), List.of(), "j-first", CREATED, GRACE);
    assertThat(whileStopping.kind()).isEqualTo(Verdict.Kind.RUNNING);
    assertThat(whileStopping.message()).contains("j-first").contains("holds back pod j-again");
    // Once it stopped, or is gone: the attempt failed, for that reason
    for (List<Pod> pods : List.of(List.of(stopped, replacement), List.of(replacement))) {
      Verdict v = Classifier.classify(once, pods, List.of(), "j-first", CREATED, GRACE);
      assertThat(v.terminal()).as("%s", pods.size()).isTrue();
      assertThat(v.reason()).isEqualTo(Reason.POD_DELETED);
      assertThat(v.message()).contains("pod j-first was deleted").contains("j-again");
      assertThat(v.exitCode()).isNull();
    }
    // A migration that exited 0 before its pod was deleted succeeded: 1.20 lost count of it
    Verdict succeeded =
        Classifier.classify(
            once,
            List.of(named(terminating(pod(terminated(0, "Completed"))), "j-first", 0), replacement),
            List.of(),
            "j-first",
            CREATED,
            GRACE);
    assertThat(succeeded.kind()).isEqualTo(Verdict.Kind.SUCCEEDED);
    assertThat(succeeded.exitCode()).isZero();
    assertThat(succeeded.message()).contains("succeeded in pod j-first").contains("j-again");
    // Not a replacement: an older pod that never started and is being deleted (a lost node),
    // beside the started one; the started pod failing without being deleted
    Pod olderNeverStarted =
        named(terminating(pod(waiting("ContainerCreating", null))), "j-lost", -5);
    Pod startedRunning = named(pod(running()), "j-first", 0);
    assertThat(
            Classifier.classify(
                    once,
                    List.of(olderNeverStarted, startedRunning),
                    List.of(),
                    "j-first",
                    CREATED,
                    GRACE)
                .message())
        .isEqualTo("the migration runs in pod j-first");
    assertThat(
            Classifier.classify(
                    once,
                    List.of(olderNeverStarted, named(pod(terminated(3, "Error")), "j-first", 0)),
                    List.of(),
                    "j-first",
                    CREATED,
                    GRACE)
                .reason())
        .isNotEqualTo(Reason.POD_DELETED);
    // Not a replacement: no pod recorded as started, the started pod alone, a Job that retries
    assertThat(
            Classifier.classify(once, List.of(replacement), List.of(), null, CREATED, GRACE)
                .terminal())
        .isFalse();
    assertThat(
            Classifier.classify(once, List.of(stopping), List.of(), "j-first", CREATED, GRACE)
                .kind())
        .isEqualTo(Verdict.Kind.RUNNING);
    assertThat(
            Classifier.classify(
                    retrying, List.of(replacement), List.of(), "j-first", CREATED, GRACE)
                .terminal())
        .isFalse();
  }

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.CsvSource(
      delimiter = '|',
      value = {
        // containerd 1.6.20 restarted as the pod's container started (the fault suite, t003)
        "RunContainerError|transport is closing",
        "RunContainerError|rpc error: code = Unavailable desc = error reading from server: EOF",
        "CreateContainerError|rpc error: code = Unavailable desc = connection error: desc ="
            + " \"transport: Error while dialing dial unix /run/containerd/containerd.sock:"
            + " connect: connection refused\"",
        "CreateContainerError|context deadline exceeded"
      })
  @DisplayName("A container runtime that was away is waited for, up to the grace; not hopeless")
  void runtimeAwayIsWaitedFor(String reason, String message) {
    Pod pod = pod(waiting(reason, message));
    Verdict soon = Classifier.classify(job(null, null), List.of(pod), CREATED, GRACE);
    assertThat(soon.kind()).isEqualTo(Verdict.Kind.WAITING);
    assertThat(soon.message()).contains("the container runtime did not answer");
    Verdict late = Classifier.classify(job(null, null), List.of(pod), CREATED.plus(GRACE), GRACE);
    assertThat(late.kind()).isEqualTo(Verdict.Kind.COULD_NOT_START);
    assertThat(late.reason()).isEqualTo(Reason.of(reason));
  }

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.CsvSource(
      delimiter = '|',
      value = {
        "RunContainerError|failed to create containerd task: OCI runtime create failed: exec:"
            + " \"/migrate\": permission denied",
        "CreateContainerError|failed to reserve container name: name is reserved"
      })
  @DisplayName("A container the runtime refused for the pod's own sake is still hopeless at once")
  void runtimeRefusalIsHopeless(String reason, String message) {
    Verdict v =
        Classifier.classify(
            job(null, null), List.of(pod(waiting(reason, message))), CREATED, GRACE);
    assertThat(v.kind()).isEqualTo(Verdict.Kind.COULD_NOT_START);
  }

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.CsvSource(
      delimiter = '|',
      value = {
        "3 | DatabaseUnreachable | the database, PostgreSQL at db:5432/shop (from FLYWAY_URL), did"
            + " not accept connections within 2m (--db-timeout): connection refused; nothing ran",
        "2 | JobFailed | the init container wait-for-db exited with code 2: invalid database",
        "130 | JobFailed | the init container wait-for-db exited with code 130",
      })
  @DisplayName(
      "A Job whose init container wait-for-db gave up: exit 3 is DatabaseUnreachable in its own"
          + " words, any other exit a Job failure that names the container")
  void waitForDbThatGaveUp(int code, String reason, String said) {
    // Given its log as termination message (FallbackToLogsOnError), kubemigrate's summary and hint
    String log =
        code == 3
            ? "[   0.4s] waiting for the database, …\nFAILED: the migration did not start: the"
                + " database, PostgreSQL at db:5432/shop (from FLYWAY_URL), did not accept"
                + " connections within 2m (--db-timeout): connection refused; nothing ran (exit 3,"
                + " 120.4s)\nhint (DatabaseUnreachable): start the database\n"
            : code == 2 ? "invalid database\n" : null;
    Pod pod =
        new PodBuilder(pod(waiting("PodInitializing", null)))
            .editStatus()
            .addNewInitContainerStatus()
            .withName("wait-for-db")
            .withNewState()
            .withNewTerminated()
            .withExitCode(code)
            .withReason("Error")
            .withMessage(log)
            .endTerminated()
            .endState()
            .endInitContainerStatus()
            .endStatus()
            .build();
    // When the Job failed (no retries)
    Verdict v =
        Classifier.classify(job("Failed", "BackoffLimitExceeded"), List.of(pod), CREATED, GRACE);
    // Then
    assertThat(v.terminal()).isTrue();
    assertThat(v.reason().label()).isEqualTo(reason);
    assertThat(v.message()).isEqualTo(said);
  }

  @Test
  @DisplayName(
      "While its init container wait-for-db runs, the pod is said to wait for the database")
  void waitForDbRunning() {
    Pod pod =
        new PodBuilder(pod(waiting("PodInitializing", null)))
            .editStatus()
            .addNewInitContainerStatus()
            .withName("wait-for-db")
            .withNewState()
            .withNewRunning()
            .endRunning()
            .endState()
            .endInitContainerStatus()
            .endStatus()
            .build();
    Verdict v = Classifier.classify(job(null, null), List.of(pod), CREATED.plusSeconds(600), GRACE);
    assertThat(v.terminal()).isFalse();
    assertThat(v.message())
        .isEqualTo(
            "pod j-abcde waits for the database to accept connections (init container"
                + " wait-for-db)");
  }

  private static Pod named(Pod pod, String name, int secondsLater) {
    return new PodBuilder(pod)
        .editMetadata()
        .withName(name)
        .withCreationTimestamp(CREATED.plusSeconds(secondsLater).toString())
        .endMetadata()
        .build();
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

  private static Job job(String condition, String reason, String message) {
    return new JobBuilder(job(condition, reason))
        .editStatus()
        .editFirstCondition()
        .withMessage(message)
        .endCondition()
        .endStatus()
        .build();
  }

  /** Marked for deletion, as the Job controller, the scheduler or a drain leaves a pod. */
  private static Pod terminating(Pod pod) {
    return new PodBuilder(pod)
        .editMetadata()
        .withDeletionTimestamp(CREATED.plusSeconds(60).toString())
        .withDeletionGracePeriodSeconds(30L)
        .endMetadata()
        .build();
  }

  private static Pod disruptionTarget(Pod pod, String reason, String message) {
    return new PodBuilder(pod)
        .editStatus()
        .addNewCondition()
        .withType("DisruptionTarget")
        .withStatus("True")
        .withReason(reason)
        .withMessage(message)
        .endCondition()
        .endStatus()
        .build();
  }

  private static io.fabric8.kubernetes.api.model.ContainerStatus running() {
    return new ContainerStatusBuilder()
        .withName("migrate")
        .withNewState()
        .withNewRunning()
        .endRunning()
        .endState()
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
