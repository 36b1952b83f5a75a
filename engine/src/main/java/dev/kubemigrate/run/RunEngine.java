package dev.kubemigrate.run;

import dev.kubemigrate.job.Durations;
import dev.kubemigrate.job.JobFactory;
import dev.kubemigrate.job.MigrationSpec;
import dev.kubemigrate.job.Phase;
import dev.kubemigrate.job.RunNames;
import dev.kubemigrate.job.SpecHash;
import dev.kubemigrate.kube.ApiErrors;
import dev.kubemigrate.kube.ChangeSignal;
import dev.kubemigrate.lock.AppLock;
import dev.kubemigrate.lock.OtherRuns;
import dev.kubemigrate.outcome.ExitCode;
import dev.kubemigrate.outcome.KubemigrateException;
import dev.kubemigrate.record.LogTail;
import dev.kubemigrate.record.RecordStore;
import dev.kubemigrate.record.RunRecord;
import dev.kubemigrate.record.RunState;
import dev.kubemigrate.record.StoredRecord;
import dev.kubemigrate.run.RunOutcome.How;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.net.HttpURLConnection;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * The engine behind `kubemigrate run` (and, later, the operator): claims the run through its
 * record, creates or attaches to the Job, watches it and its pods, streams the logs, decides, stops
 * the Job when it cannot start, and records the result. One instance per call.
 *
 * <p>Exactly once: the record is created before the Job, and creation is the claim. Every later
 * write is a compare-and-set, and every caller that attaches reports the result the first one
 * stored, so racing callers all say the same thing.
 */
public final class RunEngine {

  /** Reasons recorded for runs that never started: exit 3, not 1. */
  private static final Set<String> START_FAILURES =
      Set.of(
          "ErrImagePull",
          "ImagePullBackOff",
          "InvalidImageName",
          "ErrImageNeverPull",
          "CreateContainerConfigError",
          "CreateContainerError",
          "RunContainerError",
          "StartError",
          "ContainerCannotRun",
          "Unschedulable");

  private static final Set<String> TIMEOUTS = Set.of("DeadlineExceeded", "ClientDeadlineExceeded");

  /** A run's lock lease: renewed every 10 s, taken over 30 s after its holder stopped renewing. */
  static final Duration RUN_LEASE = Duration.ofSeconds(30);

  /** How long `logs -f` follows a run at most, from its start. */
  private static final Duration FOLLOW_LIMIT = Duration.ofHours(24);

  /** Records kept per app; older finished ones are pruned when a new run is claimed. */
  public static final int HISTORY_LIMIT = 50;

  /** Past the Job's own deadline, how long the engine still waits for Kubernetes to say so. */
  private static final Duration DEADLINE_SLACK = Duration.ofSeconds(60);

  private final KubernetesClient client;
  private final Clock clock;
  private final RunListener listener;
  private final ChangeSignal changed = new ChangeSignal();
  private volatile boolean interrupted;

  public RunEngine(KubernetesClient client, Clock clock, RunListener listener) {
    this.client = client;
    // Records keep whole milliseconds: enough for durations, and readable.
    this.clock = Clock.tick(clock, Duration.ofMillis(1));
    this.listener = listener;
  }

  /** Asks a running {@link #run} to stop waiting (Ctrl-C, SIGTERM); it returns INTERRUPTED. */
  public void interrupt() {
    interrupted = true;
    changed.wake();
  }

  public RunOutcome run(RunRequest request) {
    MigrationSpec spec = request.spec();
    String hash = SpecHash.of(spec);
    RecordStore store = new RecordStore(client, request.namespace());
    while (true) {
      if (interrupted) {
        return new RunOutcome(
            ExitCode.INTERRUPTED,
            How.INTERRUPTED,
            null,
            "interrupted before the migration started");
      }
      Optional<StoredRecord> current = record(store, spec);
      if (current.isEmpty()) {
        // Lock, then claim: the lock serialises the migrations of the app's versions. Waiting
        // stops when another caller claims this version first: then attach to its run.
        Optional<RunOutcome> ran =
            underLock(
                request,
                () -> record(store, spec).isPresent(),
                () -> {
                  if (record(store, spec).isPresent()) {
                    return Optional.empty();
                  }
                  settleOtherRuns(store, spec);
                  Optional<StoredRecord> created = store.create(claim(spec, hash, request));
                  if (created.isEmpty()) {
                    return Optional.empty();
                  }
                  listener.progress(
                      "claimed the run (record "
                          + store.namespace()
                          + "/"
                          + recordName(spec)
                          + ")");
                  int pruned = store.prune(spec.app(), HISTORY_LIMIT);
                  if (pruned > 0) {
                    listener.progress("pruned " + pruned + " old record(s) of " + spec.app());
                  }
                  return Optional.of(drive(store, created.get(), request, How.RAN));
                });
        if (ran.isPresent()) {
          return ran.get();
        }
        continue;
      }
      StoredRecord stored = current.get();
      RunRecord r = stored.record();
      if (!hash.equals(r.specHash())) {
        throw conflict(spec, r, hash);
      }
      switch (r.state()) {
        case SUCCEEDED -> {
          return new RunOutcome(
              ExitCode.SUCCEEDED,
              How.ALREADY_SUCCEEDED,
              r,
              "already migrated: "
                  + what(spec)
                  + " succeeded at "
                  + r.finishedAt()
                  + " (Job "
                  + r.jobName()
                  + ", started by "
                  + r.startedBy()
                  + "); nothing to do");
        }
        case FAILED -> {
          if (!request.retry() && r.attempt() >= request.attempt()) {
            return new RunOutcome(
                ExitCode.FAILED,
                How.ALREADY_FAILED,
                r,
                what(spec)
                    + " failed at "
                    + r.finishedAt()
                    + ": "
                    + r.message()
                    + ": run again with --retry to start attempt "
                    + (r.attempt() + 1));
          }
          Optional<RunOutcome> ran =
              underLock(
                  request,
                  () -> !sameAttempt(record(store, spec), r, RunState.FAILED),
                  () -> {
                    Optional<StoredRecord> again = record(store, spec);
                    if (!sameAttempt(again, r, RunState.FAILED)) {
                      return Optional.empty(); // another caller retried first: attach to it
                    }
                    settleOtherRuns(store, spec);
                    String job =
                        RunNames.jobName(spec.app(), spec.phase(), spec.version(), r.attempt() + 1);
                    Optional<StoredRecord> retried =
                        store.update(
                            again.get(), r.retried(job, clock.instant(), request.startedBy()));
                    if (retried.isEmpty()) {
                      return Optional.empty();
                    }
                    listener.progress(
                        "starting attempt "
                            + (r.attempt() + 1)
                            + " (attempt "
                            + r.attempt()
                            + " failed: "
                            + r.reason()
                            + ")");
                    return Optional.of(drive(store, retried.get(), request, How.RAN));
                  });
          if (ran.isPresent()) {
            return ran.get();
          }
        }
        default -> {
          if (r.jobUid() != null) {
            listener.progress(
                "attaching to the run started at "
                    + r.startedAt()
                    + " by "
                    + r.startedBy()
                    + " (Job "
                    + r.jobName()
                    + ")");
            return drive(store, stored, request, How.ATTACHED);
          }
          // Claimed, no Job yet: its claimer holds the lock and is about to create the Job (then
          // attach to it), or died before it did (then the lock comes free: create it).
          Optional<RunOutcome> ran =
              underLock(
                  request,
                  () -> !sameAttemptWithoutJob(record(store, spec), r),
                  () -> {
                    Optional<StoredRecord> again = record(store, spec);
                    if (!sameAttemptWithoutJob(again, r)) {
                      return Optional.empty();
                    }
                    listener.progress(
                        "the run claimed by "
                            + r.startedBy()
                            + " has no Job and its claimer let go of the lock: starting it");
                    return Optional.of(drive(store, again.get(), request, How.ATTACHED));
                  });
          if (ran.isPresent()) {
            return ran.get();
          }
        }
      }
    }
  }

  /**
   * `logs -f`: follows the run of (app, phase, version) that another caller started: streams its
   * log live and waits for its result, which it records if that caller is gone. Starts nothing.
   */
  public RunOutcome follow(String namespace, String app, Phase phase, String version) {
    RecordStore store = new RecordStore(client, namespace);
    RunRecord r = store.require(app, phase, version).record();
    if (!r.state().isActive()) {
      return new RunOutcome(exitCodeOf(r), How.AWAITED, r, summary(r));
    }
    if (r.jobName() != null && r.jobName().startsWith(OtherRuns.POD_PREFIX)) {
      throw new KubemigrateException(
          ExitCode.USAGE,
          "this run is done by `exec` in "
              + r.jobName()
              + ": follow it with kubectl logs -f "
              + r.jobName().substring(OtherRuns.POD_PREFIX.length()));
    }
    listener.progress("following Job " + r.jobName() + " (started by " + r.startedBy() + ")");
    Watched watched =
        watch(
            namespace,
            r.jobName(),
            MigrationSpec.DEFAULT_STARTUP_GRACE,
            r.startedAt().plus(FOLLOW_LIMIT));
    if (watched == null) {
      return new RunOutcome(
          ExitCode.INTERRUPTED, How.INTERRUPTED, r, "interrupted; the run goes on");
    }
    Verdict v = watched.verdict();
    RunRecord result =
        recordResult(
            store,
            r,
            v.kind() == Verdict.Kind.SUCCEEDED ? RunState.SUCCEEDED : RunState.FAILED,
            v,
            authoritativeTail(namespace, watched.pods()).orElse(watched.tail().text()));
    return new RunOutcome(exitCodeOf(result), How.ATTACHED, result, summary(result));
  }

  /** Runs {@code body} holding the lock; empty if waiting stopped or the body found it moot. */
  private Optional<RunOutcome> underLock(
      RunRequest request, BooleanSupplier stopWaiting, Supplier<Optional<RunOutcome>> body) {
    MigrationSpec spec = request.spec();
    String identity =
        "run/" + request.startedBy() + "/" + UUID.randomUUID().toString().substring(0, 8);
    try (AppLock lock =
        new AppLock(
            client, request.namespace(), request.lockKey(), identity, clock, listener, RUN_LEASE)) {
      Optional<AppLock.Acquired> acquired =
          lock.acquire(
              spec.timeout().plus(spec.startupGrace()),
              () -> interrupted || stopWaiting.getAsBoolean());
      return acquired.isEmpty() ? Optional.empty() : body.get();
    }
  }

  private void settleOtherRuns(RecordStore store, MigrationSpec spec) {
    OtherRuns.settle(
        store, client, spec.app(), spec.phase(), spec.version(), clock, listener, spec.timeout());
  }

  private static Optional<StoredRecord> record(RecordStore store, MigrationSpec spec) {
    return store.get(spec.app(), spec.phase(), spec.version());
  }

  private static boolean sameAttempt(Optional<StoredRecord> now, RunRecord seen, RunState state) {
    return now.isPresent()
        && now.get().record().attempt() == seen.attempt()
        && now.get().record().state() == state;
  }

  private static boolean sameAttemptWithoutJob(Optional<StoredRecord> now, RunRecord seen) {
    return now.isPresent()
        && now.get().record().attempt() == seen.attempt()
        && now.get().record().state().isActive()
        && now.get().record().jobUid() == null;
  }

  private RunRecord claim(MigrationSpec spec, String hash, RunRequest request) {
    return RunRecord.claim(
        spec.app(),
        spec.phase(),
        spec.version(),
        RunState.PENDING,
        spec.image(),
        hash,
        RunNames.jobName(spec.app(), spec.phase(), spec.version(), 1),
        clock.instant(),
        request.startedBy());
  }

  private RunOutcome drive(RecordStore store, StoredRecord stored, RunRequest request, How how) {
    String ns = request.namespace();
    RunRecord r = stored.record();
    Job job = client.batch().v1().jobs().inNamespace(ns).withName(r.jobName()).get();
    if (r.jobUid() != null && (job == null || !r.jobUid().equals(job.getMetadata().getUid()))) {
      // The Job ran and vanished (its TTL, a person) before anyone recorded its end.
      Verdict lost =
          new Verdict(
              Verdict.Kind.FAILED,
              "JobLost",
              "the Job "
                  + r.jobName()
                  + " is gone and its result was never recorded; check the database, then run"
                  + " again with --retry",
              null);
      return finish(store, r, lost, new LogTail(), List.of(), request, how);
    }
    if (job == null) {
      job = createJob(request.spec(), ns, r);
    }
    if (r.jobUid() == null) {
      RunRecord running = r.withJobUid(job.getMetadata().getUid());
      if (store.update(stored, running).isPresent()) {
        r = running;
      }
      // else another caller recorded the same Job: the record's Job name and attempt stay ours
    }
    Instant deadline =
        r.startedAt()
            .plus(request.spec().timeout())
            .plus(request.spec().startupGrace())
            .plus(DEADLINE_SLACK);
    Watched watched = watch(ns, r.jobName(), request.spec().startupGrace(), deadline);
    if (watched == null) {
      return interrupted(store, r, request, how);
    }
    return finish(store, r, watched.verdict(), watched.tail(), watched.pods(), request, how);
  }

  private Job createJob(MigrationSpec spec, String ns, RunRecord r) {
    Job desired = new JobFactory().build(spec, ns, r.attempt());
    try {
      Job created = client.batch().v1().jobs().inNamespace(ns).resource(desired).create();
      listener.progress("created Job " + ns + "/" + r.jobName() + " (image " + spec.image() + ")");
      return created;
    } catch (KubernetesClientException e) {
      if (e.getCode() == HttpURLConnection.HTTP_CONFLICT) {
        Job existing = client.batch().v1().jobs().inNamespace(ns).withName(r.jobName()).get();
        if (existing != null) {
          return existing;
        }
      }
      throw ApiErrors.translate(e, "create", "jobs", ns);
    }
  }

  private record Watched(Verdict verdict, LogTail tail, List<Pod> pods) {}

  /** Watches (never polls) the Job and its pods until a terminal verdict; null if interrupted. */
  private Watched watch(String ns, String jobName, Duration grace, Instant deadline) {
    LogTail tail = new LogTail();
    SharedIndexInformer<Job> jobs = null;
    SharedIndexInformer<Pod> pods = null;
    try (LogFollower logs = new LogFollower(client, ns, listener, tail)) {
      // Informers list, then watch, and re-list when a watch breaks or expires (410 Gone), so a
      // dropped connection or an API server restart loses no change.
      jobs = client.batch().v1().jobs().inNamespace(ns).withName(jobName).inform(changed, 0);
      pods = client.pods().inNamespace(ns).withLabel("job-name", jobName).inform(changed, 0);
      String shown = null;
      boolean seenJob = false;
      while (!interrupted) {
        Job job = jobs.getStore().list().stream().findFirst().orElse(null);
        List<Pod> podList = pods.getStore().list();
        podList.forEach(logs::follow);
        Verdict v = Classifier.classify(job, podList, clock.instant(), grace);
        if (v.terminal()
            && v.kind() == Verdict.Kind.FAILED
            && v.exitCode() == null
            && job != null) {
          // The Job's verdict can arrive before its pod's last status: read the pods once more.
          podList = client.pods().inNamespace(ns).withLabel("job-name", jobName).list().getItems();
          v = Classifier.classify(job, podList, clock.instant(), grace);
        }
        if (job != null) {
          seenJob = true;
        } else if (seenJob) {
          v =
              new Verdict(
                  Verdict.Kind.FAILED,
                  "JobDeleted",
                  "the Job " + jobName + " was deleted before it finished",
                  null);
        }
        String key = v.kind() + "/" + v.reason();
        if (!key.equals(shown)) {
          listener.progress(v.message());
          shown = key;
        }
        if (v.terminal()) {
          if (v.kind() != Verdict.Kind.COULD_NOT_START) {
            if (!podList.stream().allMatch(LogFollower::started)) {
              // The Job's verdict can arrive before its pod's "running" or "terminated": a short
              // migration's pod may still look unstarted here. Read the pods once more, so that
              // the log of every pod that ran is followed.
              podList =
                  client.pods().inNamespace(ns).withLabel("job-name", jobName).list().getItems();
              podList.forEach(logs::follow);
            }
            logs.awaitDrained(Duration.ofSeconds(15));
          }
          return new Watched(v, tail, podList);
        }
        if (clock.instant().isAfter(deadline)) {
          return new Watched(
              new Verdict(
                  Verdict.Kind.TIMED_OUT,
                  "ClientDeadlineExceeded",
                  "the migration did not finish by "
                      + deadline
                      + " and Kubernetes did not stop it; stopping it now",
                  null),
              tail,
              podList);
        }
        awaitChange();
      }
      return null;
    } catch (KubernetesClientException e) {
      throw ApiErrors.translate(e, "watch", "jobs and pods", ns);
    } finally {
      if (jobs != null) {
        jobs.close();
      }
      if (pods != null) {
        pods.close();
      }
    }
  }

  private void awaitChange() {
    // A change wakes us at once; the timeout only lets grace periods and deadlines expire.
    if (!changed.await(Duration.ofSeconds(1))) {
      interrupted = true;
    }
  }

  private RunOutcome finish(
      RecordStore store,
      RunRecord mine,
      Verdict verdict,
      LogTail tail,
      List<Pod> pods,
      RunRequest request,
      How how) {
    String logTail = authoritativeTail(request.namespace(), pods).orElse(tail.text());
    RunState state =
        verdict.kind() == Verdict.Kind.SUCCEEDED ? RunState.SUCCEEDED : RunState.FAILED;
    RunRecord result = recordResult(store, mine, state, verdict, logTail);
    boolean stop =
        verdict.kind() == Verdict.Kind.COULD_NOT_START
            || "ClientDeadlineExceeded".equals(verdict.reason());
    if (stop) {
      // Kubernetes would keep retrying the pull or the config behind the user's back.
      deleteJob(request.namespace(), mine.jobName());
      listener.progress("stopped Job " + mine.jobName() + " so that nothing keeps retrying");
    }
    return new RunOutcome(exitCodeOf(result), how, result, summary(result));
  }

  /** Stores the result unless another caller stored this attempt's result first; returns it. */
  private RunRecord recordResult(
      RecordStore store, RunRecord mine, RunState state, Verdict verdict, String logTail) {
    UnaryOperator<RunRecord> result =
        base ->
            base.finished(
                state,
                clock.instant(),
                verdict.reason(),
                verdict.message(),
                verdict.exitCode(),
                logTail);
    for (int i = 0; i < 20; i++) {
      Optional<StoredRecord> current = store.get(mine.app(), mine.phase(), mine.version());
      if (current.isEmpty()) {
        return result.apply(mine);
      }
      RunRecord r = current.get().record();
      if (r.attempt() != mine.attempt()) {
        return result.apply(mine); // retried since: report ours, leave the new attempt alone
      }
      if (!r.state().isActive()) {
        return r; // another caller stored this attempt's result first: report the same
      }
      RunRecord finished = result.apply(r);
      if (store.update(current.get(), finished).isPresent()) {
        return finished;
      }
    }
    throw new KubemigrateException(
        ExitCode.KUBERNETES_API, "could not record the result: the record kept changing");
  }

  private RunOutcome interrupted(RecordStore store, RunRecord r, RunRequest request, How how) {
    if (request.deleteOnInterrupt()) {
      Verdict v =
          new Verdict(Verdict.Kind.FAILED, "Interrupted", "interrupted; the Job was stopped", null);
      RunRecord result = recordResult(store, r, RunState.FAILED, v, null);
      deleteJob(request.namespace(), r.jobName());
      return new RunOutcome(
          ExitCode.INTERRUPTED,
          How.INTERRUPTED,
          result,
          "interrupted: stopped Job " + r.jobName() + " (--on-interrupt delete)");
    }
    return new RunOutcome(
        ExitCode.INTERRUPTED,
        How.INTERRUPTED,
        r,
        "interrupted: Job "
            + r.jobName()
            + " keeps running; run the same command again to attach to it"
            + " (--on-interrupt delete stops it instead)");
  }

  private void deleteJob(String ns, String jobName) {
    try {
      client
          .batch()
          .v1()
          .jobs()
          .inNamespace(ns)
          .withName(jobName)
          .withPropagationPolicy(DeletionPropagation.BACKGROUND)
          .delete();
    } catch (KubernetesClientException e) {
      listener.progress("could not stop Job " + jobName + ": " + ApiErrors.describe(e));
    }
  }

  /** The last lines as the kubelet has them, when the pod is still there. */
  private Optional<String> authoritativeTail(String ns, List<Pod> pods) {
    Optional<Pod> newest =
        pods.stream()
            .filter(p -> Classifier.terminated(p).isPresent())
            .max(Comparator.comparing(p -> p.getMetadata().getCreationTimestamp()));
    if (newest.isEmpty()) {
      return Optional.empty();
    }
    try {
      String log =
          client
              .pods()
              .inNamespace(ns)
              .withName(newest.get().getMetadata().getName())
              .inContainer(JobFactory.CONTAINER_NAME)
              .tailingLines(LogTail.DEFAULT_MAX_LINES)
              .getLog();
      LogTail tail = new LogTail();
      log.lines().forEach(tail::add);
      return Optional.of(tail.text());
    } catch (KubernetesClientException e) {
      return Optional.empty();
    }
  }

  /** The exit code that a stored result means, the same for every caller. */
  public static ExitCode exitCodeOf(RunRecord r) {
    return switch (r.state()) {
      case SUCCEEDED -> ExitCode.SUCCEEDED;
      case FAILED ->
          START_FAILURES.contains(r.reason())
              ? ExitCode.COULD_NOT_START
              : TIMEOUTS.contains(r.reason()) ? ExitCode.TIMED_OUT : ExitCode.FAILED;
      default -> ExitCode.FAILED;
    };
  }

  private static String summary(RunRecord r) {
    String took =
        r.startedAt() != null && r.finishedAt() != null
            ? " after " + Durations.format(Duration.between(r.startedAt(), r.finishedAt()))
            : "";
    if (r.state() == RunState.SUCCEEDED) {
      return what(r) + " succeeded" + took + " (Job " + r.jobName() + ")";
    }
    String verdict =
        switch (exitCodeOf(r)) {
          case COULD_NOT_START -> "could not start";
          case TIMED_OUT -> "timed out";
          default -> "failed";
        };
    return what(r) + " " + verdict + took + ": " + r.reason() + ": " + r.message();
  }

  private static String what(RunRecord r) {
    return RunNames.describe(r.app(), r.phase(), r.version());
  }

  private static String what(MigrationSpec spec) {
    return RunNames.describe(spec.app(), spec.phase(), spec.version());
  }

  private static String recordName(MigrationSpec spec) {
    return RunNames.recordName(spec.app(), spec.phase(), spec.version());
  }

  private static KubemigrateException conflict(MigrationSpec spec, RunRecord r, String hash) {
    String detail =
        r.image() != null && !r.image().equals(spec.image())
            ? "it ran with image " + r.image() + ", this run has " + spec.image()
            : "it ran with a different spec (hash " + r.specHash() + ", this run " + hash + ")";
    return new KubemigrateException(
        ExitCode.CONFLICT,
        "conflict: version "
            + spec.version()
            + " of "
            + spec.app()
            + " ("
            + spec.phase().label()
            + ") is already "
            + r.state().display().toLowerCase(java.util.Locale.ROOT)
            + " and "
            + detail
            + "; a different migration needs a new --version");
  }
}
