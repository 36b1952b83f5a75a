package dev.kubemigrate.run;

import dev.kubemigrate.api.Durations;
import dev.kubemigrate.api.ExitCode;
import dev.kubemigrate.api.MigrationSpec;
import dev.kubemigrate.api.Reason;
import dev.kubemigrate.job.JobFactory;
import dev.kubemigrate.job.StartGate;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStateWaiting;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Decides, from a Job and its pods as last seen, whether the migration runs, succeeded, failed, or
 * cannot start: the last without waiting for Kubernetes, which never gives up on a pod that cannot
 * pull its image or find its secret. Pure: no I/O, the clock is an argument.
 */
final class Classifier {

  /** Waiting reasons that no amount of waiting fixes. */
  private static final Set<Reason> HOPELESS =
      EnumSet.of(
          Reason.INVALID_IMAGE_NAME,
          Reason.ERR_IMAGE_NEVER_PULL,
          Reason.CREATE_CONTAINER_CONFIG_ERROR,
          Reason.CREATE_CONTAINER_ERROR,
          Reason.RUN_CONTAINER_ERROR);

  /** Termination reasons of a container that never ran (its command is missing, say). */
  private static final Set<Reason> NEVER_RAN =
      EnumSet.of(Reason.START_ERROR, Reason.CONTAINER_CANNOT_RUN);

  /** Waiting reasons that may clear up (a registry hiccup): given up after the startup grace. */
  private static final Set<Reason> PULLING =
      EnumSet.of(Reason.ERR_IMAGE_PULL, Reason.IMAGE_PULL_BACK_OFF);

  private Classifier() {}

  static Verdict classify(Job job, List<Pod> pods, Instant now, Duration startupGrace) {
    return classify(job, pods, List.of(), now, startupGrace);
  }

  /**
   * The same, with the Job's Events: a Job without a pod whose controller reports {@code
   * FailedCreate} cannot start, for the reason in the controller's message (Kubernetes retries the
   * pod's creation with a back-off for as long as the Job lives, and sets no condition).
   */
  static Verdict classify(
      Job job, List<Pod> pods, List<Event> jobEvents, Instant now, Duration startupGrace) {
    return classify(job, pods, jobEvents, null, now, startupGrace);
  }

  /**
   * The same, knowing which pod started the migration ({@code startedPod}, from the run's record;
   * null while none did): a Job that starts once (see {@link JobFactory}) and has another pod lost
   * the one that started, deleted while it ran.
   */
  static Verdict classify(
      Job job,
      List<Pod> pods,
      List<Event> jobEvents,
      String startedPod,
      Instant now,
      Duration startupGrace) {
    if (job == null) {
      return Verdict.waiting("waiting for the Job to be created");
    }
    List<Pod> newestFirst =
        pods.stream().sorted(Comparator.comparing(Classifier::created).reversed()).toList();
    Optional<Verdict> fromJob = fromJobConditions(job, newestFirst);
    if (fromJob.isPresent()) {
      return fromJob.get();
    }
    Optional<Verdict> replaced = replaced(job, newestFirst, startedPod);
    if (replaced.isPresent()) {
      return replaced.get();
    }
    if (newestFirst.isEmpty()) {
      return failedCreate(jobEvents)
          .map(
              message ->
                  Verdict.stop(
                      Reason.FAILED_CREATE,
                      "the Job controller cannot create the migration's pod: " + message,
                      null))
          .orElseGet(() -> Verdict.waiting("waiting for the Job's pod"));
    }
    return fromPod(newestFirst.get(0), now, startupGrace);
  }

  /**
   * The pod that Kubernetes started in place of {@code startedPod} in a Job that starts once (see
   * {@link JobFactory}), once that pod is being deleted or gone: a later pod of the Job that has
   * not started (it cannot), and the Job cannot end by itself while it waits.
   */
  static Optional<Pod> replacement(Job job, List<Pod> pods, String startedPod) {
    if (startedPod == null || !JobFactory.startsOnce(job)) {
      return Optional.empty();
    }
    Optional<Pod> started = named(pods, startedPod);
    if (started.isPresent() && started.get().getMetadata().getDeletionTimestamp() == null) {
      return Optional.empty(); // not deleted: whatever else the Job has is not its replacement
    }
    Instant after = started.map(Classifier::created).orElse(Instant.MIN);
    return pods.stream()
        .filter(p -> !startedPod.equals(p.getMetadata().getName()))
        .filter(p -> created(p).isAfter(after) && !LogFollower.started(p))
        .max(Comparator.comparing(Classifier::created));
  }

  private static Optional<Pod> named(List<Pod> pods, String name) {
    return pods.stream().filter(p -> name.equals(p.getMetadata().getName())).findFirst();
  }

  /**
   * A Job that starts once, whose pod that started the migration was deleted and replaced. While
   * the deleted pod still stops, the migration may still run in it; once it has stopped or is gone,
   * the attempt has failed, unless the migration had exited 0 in it first.
   */
  private static Optional<Verdict> replaced(Job job, List<Pod> newestFirst, String startedPod) {
    Optional<Pod> other = replacement(job, newestFirst, startedPod);
    if (other.isEmpty()) {
      return Optional.empty();
    }
    String replacement = other.get().getMetadata().getName();
    Optional<Pod> started = named(newestFirst, startedPod);
    Optional<ContainerStateTerminated> ended = started.flatMap(Classifier::terminated);
    if (started.isPresent() && ended.isEmpty()) {
      return Optional.of(
          Verdict.running(
              "pod "
                  + startedPod
                  + " is being deleted while the migration runs in it; kubemigrate holds back pod "
                  + replacement
                  + ", which Kubernetes started in its place"));
    }
    Integer code = ended.map(ContainerStateTerminated::getExitCode).orElse(null);
    if (code != null && code == 0) {
      // It ended before it was deleted: Kubernetes 1.20 lost count of the pod that succeeded.
      return Optional.of(
          Verdict.stop(
              Reason.COMPLETED,
              "the migration succeeded in pod "
                  + startedPod
                  + ", which was deleted afterwards; kubemigrate held back pod "
                  + replacement
                  + ", which Kubernetes started in its place",
              0));
    }
    return Optional.of(
        Verdict.stop(
            Reason.POD_DELETED,
            "pod "
                + startedPod
                + " was deleted while the migration ran"
                + (code == null ? "" : " (it exited with code " + code + ")")
                + "; kubemigrate held back pod "
                + replacement
                + ", which Kubernetes started in its place, so that the migration does not run"
                + " twice",
            null));
  }

  /** The message of the Job's latest {@code FailedCreate} event, if it has one. */
  static Optional<String> failedCreate(List<Event> jobEvents) {
    return jobEvents.stream()
        .filter(e -> "FailedCreate".equals(e.getReason()) && e.getMessage() != null)
        .max(Comparator.comparing(Classifier::when))
        .map(e -> e.getMessage().replace('\n', ' ').strip());
  }

  private static String when(Event e) {
    // RFC 3339 times of one format compare as text; lastTimestamp may be unset (eventTime only).
    String last = e.getLastTimestamp() != null ? e.getLastTimestamp() : e.getFirstTimestamp();
    return last != null ? last : e.getEventTime() == null ? "" : e.getEventTime().getTime();
  }

  private static Optional<Verdict> fromJobConditions(Job job, List<Pod> pods) {
    if (job.getStatus() == null || job.getStatus().getConditions() == null) {
      return Optional.empty();
    }
    for (JobCondition c : job.getStatus().getConditions()) {
      if (!"True".equals(c.getStatus())) {
        continue;
      }
      // The interim conditions decide as the terminal ones do, without waiting for the pods to
      // stop: FailureTarget since Kubernetes 1.26 (a pod failure policy's FailJob), and since 1.31
      // FailureTarget and SuccessCriteriaMet for every end, whose Failed or Complete follows only
      // once no pod is terminating (the Jobs concept page, "Terminal Job conditions").
      switch (c.getType()) {
        case "Complete", "SuccessCriteriaMet" -> {
          return Optional.of(Verdict.stop(Reason.COMPLETED, "the migration succeeded", 0));
        }
        case "Failed", "FailureTarget" -> {
          return Optional.of(failure(c, pods));
        }
        default -> {}
      }
    }
    return Optional.empty();
  }

  private static Verdict failure(JobCondition condition, List<Pod> pods) {
    if ("DeadlineExceeded".equals(condition.getReason())) {
      return Verdict.stop(
          Reason.DEADLINE_EXCEEDED,
          "the migration did not finish within its timeout; Kubernetes stopped it",
          null);
    }
    for (Pod pod : pods) {
      Optional<Verdict> noDatabase = databaseNeverReady(pod);
      if (noDatabase.isPresent()) {
        return noDatabase.get();
      }
      Optional<Verdict> neverRan = neverRan(pod);
      if (neverRan.isPresent()) {
        return neverRan.get();
      }
      if ("Evicted".equals(pod.getStatus() == null ? null : pod.getStatus().getReason())) {
        return Verdict.stop(
            Reason.EVICTED, "the pod was evicted: " + pod.getStatus().getMessage(), null);
      }
      Optional<ContainerStateTerminated> t = terminated(pod);
      Optional<Verdict> disrupted = disrupted(pod, t);
      if (disrupted.isPresent()) {
        return disrupted.get();
      }
      if (t.isPresent()) {
        ContainerStateTerminated term = t.get();
        if ("OOMKilled".equals(term.getReason())) {
          return Verdict.stop(
              Reason.OOM_KILLED,
              "the migration was killed for using more memory than its limit (OOMKilled)",
              term.getExitCode());
        }
        if (term.getExitCode() != null && term.getExitCode() != 0) {
          return Verdict.stop(
              Reason.ERROR,
              "the migration exited with code " + term.getExitCode(),
              term.getExitCode());
        }
      }
    }
    // Kubernetes' own reason when kubemigrate knows it (BackoffLimitExceeded), else a Job failure
    // that names it (PodFailurePolicy, say).
    Optional<Reason> known = Reason.known(condition.getReason());
    String message = condition.getMessage() == null ? "the Job failed" : condition.getMessage();
    if (known.isEmpty() && condition.getReason() != null) {
      message = condition.getReason() + ": " + message;
    }
    return Verdict.stop(known.orElse(Reason.JOB_FAILED), message, null);
  }

  /**
   * A pod that the cluster stopped, not the migration: Kubernetes 1.26+ marks such a pod with the
   * condition {@code DisruptionTarget=True} before deleting it (the scheduler's preemption, the
   * Eviction API of a drain, the taint manager, pod GC of a node that is gone, the kubelet), and
   * the exit code that follows is the kill's, not the migration's. Only for a pod that failed or is
   * being deleted: the condition is set back to False when a disruption does not go ahead.
   */
  private static Optional<Verdict> disrupted(Pod pod, Optional<ContainerStateTerminated> ended) {
    PodCondition c = condition(pod, "DisruptionTarget");
    boolean stopping =
        pod.getMetadata() != null && pod.getMetadata().getDeletionTimestamp() != null
            || pod.getStatus() != null && "Failed".equals(pod.getStatus().getPhase());
    if (c == null || !"True".equals(c.getStatus()) || !stopping) {
      return Optional.empty();
    }
    String reason = c.getReason() == null ? "DisruptionTarget" : c.getReason();
    String what =
        switch (reason) {
          case "PreemptionByScheduler" -> "the pod was preempted by the scheduler";
          case "EvictionByEvictionAPI" -> "the pod was evicted through the Eviction API (a drain?)";
          case "DeletionByTaintManager" -> "the pod was deleted for a NoExecute taint of its node";
          case "DeletionByPodGC" -> "the pod's node is gone";
          case "TerminationByKubelet" -> "the kubelet stopped the pod";
          default -> "the pod was disrupted";
        };
    String message = oneLine(c.getMessage());
    return Optional.of(
        Verdict.stop(
            Reason.DISRUPTED,
            what + " (" + reason + ")" + (message.isEmpty() ? "" : ": " + message),
            ended.map(ContainerStateTerminated::getExitCode).orElse(null)));
  }

  /** A container that could not even start: its command missing, a broken mount, … (exit 3). */
  private static Optional<Verdict> neverRan(Pod pod) {
    return terminated(pod)
        .filter(t -> Reason.known(t.getReason()).filter(NEVER_RAN::contains).isPresent())
        .map(
            t ->
                Verdict.stop(
                    Reason.of(t.getReason()),
                    "the container could not start: " + oneLine(t.getMessage()),
                    t.getExitCode()));
  }

  private static Verdict fromPod(Pod pod, Instant now, Duration grace) {
    Optional<Verdict> neverRan = neverRan(pod);
    if (neverRan.isPresent()) {
      return neverRan.get();
    }
    Duration age = Duration.between(created(pod), now);
    String giveUpIn = " (giving up in " + Durations.format(positive(grace.minus(age))) + ")";
    for (ContainerStatus status : containerStatuses(pod)) {
      ContainerStateWaiting waiting =
          status.getState() == null ? null : status.getState().getWaiting();
      if (waiting == null || waiting.getReason() == null) {
        continue;
      }
      Optional<Reason> known = Reason.known(waiting.getReason());
      if (known.isEmpty()) {
        continue;
      }
      Reason reason = known.get();
      String message = oneLine(waiting.getMessage());
      if (HOPELESS.contains(reason) && !runtimeAway(reason, message)) {
        return Verdict.stop(reason, describe(reason, message, status), null);
      }
      if (HOPELESS.contains(reason)) {
        // The kubelet starts a container that did not start again once the runtime is back.
        String what = "the container runtime did not answer (" + message + ")";
        return age.compareTo(grace) >= 0
            ? Verdict.stop(reason, what, null)
            : Verdict.waiting(reason, what + "; waiting for it" + giveUpIn);
      }
      if (PULLING.contains(reason)) {
        Optional<Reason> hopeless = PullErrors.hopeless(message);
        if (hopeless.isPresent()) {
          // The registry said what is wrong: no wait fixes a missing tag or a refused login.
          return Verdict.stop(hopeless.get(), cannotPull(status) + ": " + message, null);
        }
        return age.compareTo(grace) >= 0
            ? Verdict.stop(reason, cannotPull(status) + ": " + message, null)
            : Verdict.waiting(reason, cannotPull(status) + giveUpIn);
      }
    }
    PodCondition scheduled = condition(pod, "PodScheduled");
    if (scheduled != null && "False".equals(scheduled.getStatus())) {
      String message = "the pod cannot be scheduled: " + oneLine(scheduled.getMessage());
      return age.compareTo(grace) >= 0
          ? Verdict.stop(Reason.UNSCHEDULABLE, message, null)
          : Verdict.waiting(Reason.UNSCHEDULABLE, message + giveUpIn);
    }
    for (ContainerStatus status : containerStatuses(pod)) {
      if (JobFactory.CONTAINER_NAME.equals(status.getName())
          && status.getState() != null
          && status.getState().getRunning() != null) {
        return Verdict.running("the migration runs in pod " + pod.getMetadata().getName());
      }
    }
    Optional<ContainerStateTerminated> ended = terminated(pod);
    if (ended.isPresent()) {
      return Verdict.exited(
          "the migration exited with code "
              + ended.get().getExitCode()
              + " in pod "
              + pod.getMetadata().getName()
              + "; waiting for the Job's verdict");
    }
    io.fabric8.kubernetes.api.model.ContainerState waitForDb = waitForDbState(pod);
    boolean waitsForDatabase = waitForDb != null && waitForDb.getRunning() != null;
    if (gaveUp(waitForDb) != null) {
      return Verdict.waiting(
          "the init container "
              + MigrationSpec.WAIT_FOR_DB_CONTAINER
              + " of pod "
              + pod.getMetadata().getName()
              + " gave up; waiting for the Job's verdict");
    }
    if (waitsForDatabase) {
      return Verdict.waiting(
          "pod "
              + pod.getMetadata().getName()
              + " waits for the database to accept connections (init container "
              + MigrationSpec.WAIT_FOR_DB_CONTAINER
              + ")");
    }
    return Verdict.waiting("pod " + pod.getMetadata().getName() + " is starting");
  }

  /**
   * A pod whose init container {@value MigrationSpec#WAIT_FOR_DB_CONTAINER} gave up: the migration
   * never started. Its exit 3 is {@code DatabaseUnreachable}, in the words of its last log line
   * (its termination message); any other exit (a bad {@code --db}, 2) is a Job failure that says
   * so.
   */
  private static Optional<Verdict> databaseNeverReady(Pod pod) {
    return Optional.ofNullable(gaveUp(waitForDbState(pod)))
        .map(
            t -> {
              String said = summaryLine(t.getMessage());
              return t.getExitCode() == ExitCode.COULD_NOT_START.code()
                  ? Verdict.stop(
                      Reason.DATABASE_UNREACHABLE,
                      said.isEmpty() ? "the database did not accept connections in time" : said,
                      null)
                  : Verdict.stop(
                      Reason.JOB_FAILED,
                      "the init container "
                          + MigrationSpec.WAIT_FOR_DB_CONTAINER
                          + " exited with code "
                          + t.getExitCode()
                          + (said.isEmpty() ? "" : ": " + said),
                      null);
            });
  }

  /**
   * The state of the pod's init container {@value MigrationSpec#WAIT_FOR_DB_CONTAINER}, or null.
   */
  private static io.fabric8.kubernetes.api.model.ContainerState waitForDbState(Pod pod) {
    if (pod.getStatus() == null || pod.getStatus().getInitContainerStatuses() == null) {
      return null;
    }
    return pod.getStatus().getInitContainerStatuses().stream()
        .filter(st -> MigrationSpec.WAIT_FOR_DB_CONTAINER.equals(st.getName()))
        .map(ContainerStatus::getState)
        .filter(st -> st != null)
        .findFirst()
        .orElse(null);
  }

  /** Its termination when it ended with an exit code other than 0 (it gave up), else null. */
  private static ContainerStateTerminated gaveUp(
      io.fabric8.kubernetes.api.model.ContainerState state) {
    ContainerStateTerminated t = state == null ? null : state.getTerminated();
    return t != null && t.getExitCode() != null && t.getExitCode() != 0 ? t : null;
  }

  /** kubemigrate's summary line in a log ({@code FAILED: …}), else its last line. */
  static String summaryLine(String log) {
    if (log == null) {
      return "";
    }
    List<String> lines = log.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
    for (int i = lines.size() - 1; i >= 0; i--) {
      if (lines.get(i).startsWith("FAILED: ")) {
        // Its own exit code and time are not the run's: "… (exit 3, 120.4s)".
        return lines
            .get(i)
            .substring("FAILED: ".length())
            .replaceFirst("^the migration did not start: ", "")
            .replaceFirst(" \\(exit \\d+, [0-9.]+s\\)$", "");
      }
    }
    return lines.isEmpty() ? "" : lines.get(lines.size() - 1);
  }

  /** The words of a gRPC connection to the container runtime that went away (a restart). */
  private static final List<String> RUNTIME_AWAY =
      List.of(
          "transport is closing",
          "code = Unavailable",
          "error reading from server: EOF",
          "connection refused",
          "connection reset by peer",
          "context deadline exceeded");

  /**
   * True when a container could not be created or run because the runtime was away (containerd
   * restarting), not because of anything in the pod: the kubelet tries again (Kubernetes 1.20,
   * {@code ShouldContainerBeRestarted}: a container in the created state is always started again).
   */
  static boolean runtimeAway(Reason reason, String message) {
    return (reason == Reason.CREATE_CONTAINER_ERROR || reason == Reason.RUN_CONTAINER_ERROR)
        && RUNTIME_AWAY.stream().anyMatch(message::contains);
  }

  /**
   * "cannot pull image X", and whose image it is when it is not the migration's: kubemigrate's own
   * (wait-for-db, the start gate) comes from another flag than {@code --image}.
   */
  private static String cannotPull(ContainerStatus status) {
    return "cannot pull image " + status.getImage() + whose(status);
  }

  private static String whose(ContainerStatus status) {
    String name = status.getName();
    if (JobFactory.CONTAINER_NAME.equals(name) || name == null) {
      return "";
    }
    if (MigrationSpec.WAIT_FOR_DB_CONTAINER.equals(name) || StartGate.CONTAINER.equals(name)) {
      return " of init container "
          + name
          + ", kubemigrate's own image (--kubemigrate-image, $KUBEMIGRATE_IMAGE, the operator's"
          + " image, or spec.waitForDatabase.image)";
    }
    return " of container " + name;
  }

  private static String describe(Reason reason, String message, ContainerStatus status) {
    return switch (reason) {
      case INVALID_IMAGE_NAME ->
          "invalid image name " + status.getImage() + whose(status) + ": " + message;
      case ERR_IMAGE_NEVER_PULL ->
          "image " + status.getImage() + " is not on the node and its pull policy is Never";
      case CREATE_CONTAINER_CONFIG_ERROR -> "the container's configuration is broken: " + message;
      default -> "the container could not be created: " + message;
    };
  }

  /** The migration container's last termination in this pod, current or previous. */
  static Optional<ContainerStateTerminated> terminated(Pod pod) {
    return containerStatuses(pod).stream()
        .filter(s -> JobFactory.CONTAINER_NAME.equals(s.getName()))
        .flatMap(
            s ->
                Stream.of(
                    s.getState() == null ? null : s.getState().getTerminated(),
                    s.getLastState() == null ? null : s.getLastState().getTerminated()))
        .filter(t -> t != null)
        .findFirst();
  }

  static List<ContainerStatus> containerStatuses(Pod pod) {
    if (pod.getStatus() == null) {
      return List.of();
    }
    return Stream.concat(
            pod.getStatus().getInitContainerStatuses() == null
                ? Stream.empty()
                : pod.getStatus().getInitContainerStatuses().stream(),
            pod.getStatus().getContainerStatuses() == null
                ? Stream.empty()
                : pod.getStatus().getContainerStatuses().stream())
        .toList();
  }

  private static PodCondition condition(Pod pod, String type) {
    if (pod.getStatus() == null || pod.getStatus().getConditions() == null) {
      return null;
    }
    return pod.getStatus().getConditions().stream()
        .filter(c -> type.equals(c.getType()))
        .findFirst()
        .orElse(null);
  }

  private static Instant created(Pod pod) {
    String ts = pod.getMetadata().getCreationTimestamp();
    return ts == null ? Instant.EPOCH : Instant.parse(ts);
  }

  private static Duration positive(Duration d) {
    return d.isNegative() ? Duration.ZERO : d;
  }

  private static String oneLine(String s) {
    if (s == null) {
      return "";
    }
    return s.replace('\n', ' ').trim();
  }
}
