package dev.kubemigrate.run;

import dev.kubemigrate.api.Decisions;
import dev.kubemigrate.api.Durations;
import dev.kubemigrate.api.ExitCode;
import dev.kubemigrate.api.KubemigrateException;
import dev.kubemigrate.api.MigrationSpec;
import dev.kubemigrate.api.Phase;
import dev.kubemigrate.api.PreflightMode;
import dev.kubemigrate.api.Reason;
import dev.kubemigrate.api.RecordCache;
import dev.kubemigrate.api.RunListener;
import dev.kubemigrate.api.RunOutcome;
import dev.kubemigrate.api.RunOutcome.How;
import dev.kubemigrate.api.RunRecord;
import dev.kubemigrate.api.RunRequest;
import dev.kubemigrate.api.RunState;
import dev.kubemigrate.api.SchemaFloor;
import dev.kubemigrate.api.Tool;
import dev.kubemigrate.job.JobFactory;
import dev.kubemigrate.job.RunNames;
import dev.kubemigrate.job.SpecHash;
import dev.kubemigrate.kube.ApiErrors;
import dev.kubemigrate.kube.ChangeSignal;
import dev.kubemigrate.kube.ServerVersion;
import dev.kubemigrate.kube.SharedReads;
import dev.kubemigrate.lock.AppLock;
import dev.kubemigrate.notify.Notifier;
import dev.kubemigrate.preflight.Preflight;
import dev.kubemigrate.preflight.PreflightRules;
import dev.kubemigrate.record.FloorStore;
import dev.kubemigrate.record.LogTail;
import dev.kubemigrate.record.RecordStore;
import dev.kubemigrate.record.RecordWatch;
import dev.kubemigrate.record.StoredRecord;
import dev.kubemigrate.rollout.RolloutWait;
import dev.kubemigrate.tool.SchemaProgress;
import dev.kubemigrate.tool.ToolRules;
import dev.kubemigrate.tool.ToolWatch;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
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
 * The engine behind `kubemigrate run` and the operator: claims the run through its record, creates
 * or attaches to the Job, watches it and its pods, streams the logs, decides, stops the Job when it
 * cannot start, and records the result. One instance per call.
 *
 * <p>Exactly once: the record is created before the Job, and creation is the claim. Every later
 * write is a compare-and-set, and every caller that attaches reports the result the first one
 * stored, so racing callers all say the same thing. What to do about a record is decided in one
 * pure place, {@link Decisions}; this class only carries it out.
 */
public final class RunEngine {

  /** A run's lock lease: renewed every 10 s, taken over 30 s after its holder stopped renewing. */
  static final Duration RUN_LEASE = Duration.ofSeconds(30);

  /** How long `logs -f` follows a run at most, from its start. */
  private static final Duration FOLLOW_LIMIT = Duration.ofHours(24);

  /** Records kept per app; older finished ones are pruned when a new run is claimed. */
  public static final int HISTORY_LIMIT = 50;

  /**
   * Past the Job's own deadline (its start and {@code --timeout}), how long the engine still waits
   * for Kubernetes to say so before it stops the Job itself: a job controller that lags (Kubernetes
   * 1.20's enforces the deadline only when something else makes it look at the Job) does not hold
   * the exit.
   */
  private static final Duration DEADLINE_SLACK = Duration.ofSeconds(2);

  /** The outer bound of a watch whose Job never starts: its timeout, grace and this. */
  private static final Duration LATE_SLACK = Duration.ofSeconds(60);

  private final KubernetesClient client;
  private final Clock clock;
  private final RunListener listener;
  private final ChangeSignal changed = new ChangeSignal();
  private volatile boolean interrupted;

  /** The record as this call last wrote it: the result's update starts from it, not a GET. */
  private StoredRecord written;

  /**
   * The spec and namespace of the run this engine drives, once {@link #run} started: a follow has
   * none.
   */
  private MigrationSpec spec;

  private String namespace;

  /** kubemigrate's own image, for a Job's {@link dev.kubemigrate.job.StartGate}; null: none. */
  private String gateImage;

  private final JobWatches watches;
  private final RecordCache records;
  private final SharedReads reads;

  /** The API server's version, for the Job it is sent: asked once, when a Job is created. */
  private final Supplier<ServerVersion> server;

  public RunEngine(KubernetesClient client, Clock clock, RunListener listener) {
    this(client, clock, listener, JobWatches.perRun(client), null);
  }

  /**
   * With {@code watches}: where the run sees its Job and pods (shared ones, in the operator); and
   * {@code records}: an informer's cache of the records to read first (null: none).
   */
  public RunEngine(
      KubernetesClient client,
      Clock clock,
      RunListener listener,
      JobWatches watches,
      RecordCache records) {
    this(client, clock, listener, watches, records, ServerVersion.once(client), SharedReads.NONE);
  }

  /**
   * The same, with {@code server}: the API server's version, which a caller that drives many runs
   * against one server reads once for all of them; and {@code reads}: the quotas, LimitRanges,
   * nodes, Leases and floors the pre-flight, the lock and the rollback guard read, kept by the
   * caller's shared informers.
   */
  public RunEngine(
      KubernetesClient client,
      Clock clock,
      RunListener listener,
      JobWatches watches,
      RecordCache records,
      Supplier<ServerVersion> server,
      SharedReads reads) {
    this.reads = reads;
    this.server = server;
    this.watches = watches;
    this.records = records;
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

  /**
   * Runs the migration once: decide what the record calls for; if that needs the lock, take it and
   * decide again; then do it. Starts over whenever another caller got there first.
   */
  public RunOutcome run(RunRequest request) {
    RunOutcome outcome = runOnce(request);
    // The caller that ran it to its end tells the spec's webhooks; never changes the outcome.
    Notifier.afterRun(outcome, request.spec().notifyUrls(), request.namespace(), listener);
    return outcome;
  }

  private RunOutcome runOnce(RunRequest request) {
    MigrationSpec spec = request.spec();
    RecordStore store = new RecordStore(client, request.namespace(), records);
    Decisions.Ask ask =
        new Decisions.Ask(SpecHash.of(spec), request.retry(), request.attempt(), false);
    this.spec = spec;
    this.namespace = request.namespace();
    this.gateImage = request.kubemigrateImage();
    // The rollback guard first, whatever the record says: an old version that ran once does not
    // get an exit 0 on a schema that no longer serves it.
    Optional<RunOutcome> guarded =
        new FloorStore(client, request.namespace(), reads.floors())
            .refusal(spec.app(), spec.phase(), spec.version());
    if (guarded.isPresent()) {
      return guarded.get();
    }
    boolean checked = false;
    while (true) {
      if (interrupted) {
        return RunOutcome.cancelled(null, "interrupted before the migration started");
      }
      Decisions.Plan plan = Decisions.decide(read(store, spec), ask);
      if (!checked
          && (plan.action() == Decisions.Action.CLAIM || plan.action() == Decisions.Action.RETRY)) {
        // Before the lock and the claim: the rollback guard, the rollout a post phase waits for,
        // and a pod that cannot start leave nothing behind.
        checked = true;
        Optional<RunOutcome> refused = beforeClaim(request, store);
        if (refused.isPresent()) {
          return refused.get();
        }
      }
      Optional<RunOutcome> done =
          plan.action().needsLock()
              ? underLock(request, store, ask, plan)
              : carryOut(plan, store, request);
      if (done.isPresent()) {
        return done.get();
      }
    }
  }

  /**
   * What must hold before a run is claimed: the rollback guard lets this version on the schema; a
   * post phase's rollout is over and its pre phase succeeded; the pod can start. A refusal, or
   * empty when it may go.
   */
  private Optional<RunOutcome> beforeClaim(RunRequest request, RecordStore store) {
    MigrationSpec spec = request.spec();
    if (spec.phase() == Phase.POST) {
      // A pre phase that failed is said at once, not after the rollout's wait.
      Optional<RunOutcome> pre = preNotSucceeded(store, spec, false);
      if (pre.isPresent()) {
        return pre;
      }
      if (spec.waitsForRollout()) {
        RolloutWait.Result rollout =
            new RolloutWait(client, clock, listener)
                .await(
                    request.namespace(),
                    spec.after(),
                    spec.afterSelector(),
                    spec.version(),
                    clock.instant().plus(spec.rolloutTimeout()),
                    changed,
                    () -> interrupted);
        if (rollout.reason() == Reason.INTERRUPTED) {
          return Optional.of(
              RunOutcome.cancelled(null, "interrupted while waiting for the rollout"));
        }
        if (!rollout.done()) {
          return Optional.of(
              RunOutcome.stopped(rollout.reason(), How.REFUSED, null, rollout.message()));
        }
      }
      Optional<RunOutcome> preActive = preNotSucceeded(store, spec, true);
      if (preActive.isPresent()) {
        return preActive;
      }
    }
    return request.preflight() == PreflightMode.OFF ? Optional.empty() : preflight(request);
  }

  /**
   * The refusal of a post phase whose pre phase failed, or ({@code active}) has not ended yet; a
   * version without a pre phase is not held.
   */
  private static Optional<RunOutcome> preNotSucceeded(
      RecordStore store, MigrationSpec spec, boolean active) {
    Optional<RunRecord> pre =
        store.get(spec.app(), Phase.PRE, spec.version()).map(StoredRecord::record);
    if (pre.isEmpty()
        || pre.get().state() == RunState.SUCCEEDED
        || (pre.get().state().isActive() && !active)) {
      return Optional.empty();
    }
    return Optional.of(
        RunOutcome.stopped(
            Reason.PRE_NOT_SUCCEEDED,
            How.REFUSED,
            null,
            "the pre phase of "
                + spec.app()
                + " "
                + spec.version()
                + (pre.get().state().isActive()
                    ? " is still running"
                    : " failed (" + pre.get().reason() + ")")
                + ": the post phase runs only once it succeeded"));
  }

  /** A refusal when the post phase's rollout is no longer over; the claim is released. */
  private Optional<RunOutcome> rolloutStillDone(
      RecordStore store, StoredRecord stored, RunRequest request) {
    MigrationSpec spec = request.spec();
    if (!spec.waitsForRollout()) {
      return Optional.empty();
    }
    RolloutWait.Result now =
        new RolloutWait(client, clock, RunListener.SILENT)
            .await(
                request.namespace(),
                spec.after(),
                spec.afterSelector(),
                spec.version(),
                clock.instant(),
                changed,
                () -> interrupted);
    if (now.done()) {
      return Optional.empty();
    }
    String detail = now.message();
    int waiting = detail.indexOf("): waiting for ");
    String why =
        "the rollout is no longer over (undone while this waited for the lock?): "
            + (waiting >= 0 ? detail.substring(waiting + 3) : detail);
    endClaim(store, stored, new KubemigrateException(ExitCode.ROLLOUT, why));
    return Optional.of(
        RunOutcome.stopped(
            now.reason() == Reason.ROLLOUT_TIMED_OUT ? Reason.ROLLOUT_FAILED : now.reason(),
            How.REFUSED,
            null,
            why));
  }

  /** Raises (post, as its Job starts) or sets (down, once it succeeded) the app's floor. */
  private void recordFloor(MigrationSpec spec) {
    Optional<String> floor = Decisions.floorAfter(spec);
    if (floor.isEmpty()) {
      if (spec.phase() == Phase.POST) {
        listener.progress(
            "no schema floor recorded: version "
                + spec.version()
                + " cannot be ordered (the rollback guard needs semantic versions or dotted"
                + " numbers, or --compatible-from)");
      }
      return;
    }
    SchemaFloor now =
        new FloorStore(client, namespace)
            .record(spec.app(), spec.phase(), spec.version(), floor.get(), clock.instant());
    listener.progress(
        "the schema of "
            + spec.app()
            + " now serves "
            + now.version()
            + " and later (rollback guard: older versions' await and run are refused)");
  }

  /** The pre-flight of the pod this request would create: a refusal, or empty when it may go. */
  private Optional<RunOutcome> preflight(RunRequest request) {
    PreflightRules.Result result =
        Preflight.check(
            client,
            reads,
            request.namespace(),
            request.spec(),
            request.attempt(),
            request.preflight() == PreflightMode.STRICT);
    if (!result.skipped().isEmpty()) {
      listener.progress(
          "pre-flight skipped what this identity may not read: "
              + String.join(", ", result.skipped())
              + " (--preflight strict makes that a failure)");
    }
    result.warnings().forEach(w -> listener.progress("pre-flight warning: " + w));
    if (result.ok()) {
      return Optional.empty();
    }
    return Optional.of(
        RunOutcome.stopped(
            Reason.PREFLIGHT_FAILED, How.REFUSED, null, PreflightRules.describe(result)));
  }

  /**
   * Carries out a plan; the plans that need the lock are only carried out by its holder. Empty when
   * another caller got there first: decide again.
   */
  private Optional<RunOutcome> carryOut(
      Decisions.Plan plan, RecordStore store, RunRequest request) {
    MigrationSpec spec = request.spec();
    RunRecord r = plan.record();
    return switch (plan.action()) {
      case CLAIM -> claim(store, request);
      case RETRY -> retry(store, r, request);
      default -> Optional.ofNullable(carryOutNow(plan, store, request));
    };
  }

  private RunOutcome carryOutNow(Decisions.Plan plan, RecordStore store, RunRequest request) {
    MigrationSpec spec = request.spec();
    RunRecord r = plan.record();
    return switch (plan.action()) {
      case ALREADY_SUCCEEDED -> alreadySucceeded(r);
      case ALREADY_FAILED -> alreadyFailed(r);
      case CONFLICT -> throw conflict(spec, r, SpecHash.of(spec));
      case ATTACH -> {
        listener.progress(
            "attaching to the run started at "
                + r.startedAt()
                + " by "
                + r.startedBy()
                + " (Job "
                + r.jobName()
                + ")");
        yield drive(store, store.require(r.app(), r.phase(), r.version()), request, How.ATTACHED);
      }
      case CLAIM, RETRY -> throw new IllegalStateException(plan.action() + " needs a store write");
      case START_CLAIMED -> {
        listener.progress(
            "the run claimed by "
                + r.startedBy()
                + " has no Job and its claimer let go of the lock: starting it");
        yield drive(store, store.require(r.app(), r.phase(), r.version()), request, How.ATTACHED);
      }
      case RECORD_INTERRUPTED -> {
        OtherRuns.markInterrupted(store, r, clock);
        Optional<RunRecord> now =
            store.read(r.app(), r.phase(), r.version()).map(StoredRecord::record);
        if (now.isEmpty() || now.get().state().isActive()) {
          yield null; // changed meanwhile: decide again
        }
        yield alreadyFailed(now.get());
      }
    };
  }

  /**
   * Takes the lock, then decides again: the plan is carried out only if it still holds. Empty when
   * another caller got there first (it claimed, retried or started the Job meanwhile).
   */
  private Optional<RunOutcome> underLock(
      RunRequest request, RecordStore store, Decisions.Ask ask, Decisions.Plan plan) {
    MigrationSpec spec = request.spec();
    String identity =
        "run/" + request.startedBy() + "/" + UUID.randomUUID().toString().substring(0, 8);
    try (LazyRecordWatch record = new LazyRecordWatch(request.namespace(), spec);
        AppLock lock =
            new AppLock(
                client,
                request.namespace(),
                request.lockKey(),
                identity,
                clock,
                listener,
                RUN_LEASE,
                reads.leases())) {
      // Waiting for the lock stops when the record no longer calls for this plan: then start over
      // (for a claim: another caller claimed first, attach to its run).
      BooleanSupplier moot =
          () -> interrupted || !Decisions.decide(record.current(), ask).sameAs(plan);
      if (lock.acquire(spec.timeout().plus(spec.startupGrace()), moot).isEmpty()) {
        store.bypassCache(); // the watch saw a change the cache may not have yet
        return Optional.empty();
      }
      Decisions.Plan now = Decisions.decide(read(store, spec), ask);
      if (now.action() == Decisions.Action.START_CLAIMED
          || now.action() == Decisions.Action.RECORD_INTERRUPTED) {
        // These act on someone else's claim (create its Job, or record it interrupted), which no
        // compare-and-set guards: decide on the record as the API server has it, never a cache.
        store.bypassCache();
        now =
            Decisions.decide(
                store.read(spec.app(), spec.phase(), spec.version()).map(StoredRecord::record),
                ask);
      }
      if (!now.sameAs(plan)) {
        store.bypassCache();
        return Optional.empty();
      }
      return carryOut(now, store, request);
    }
  }

  /**
   * The run's record, watched only once the lock turns out to be held by someone else: a caller
   * that gets a free lock at once makes no watch.
   */
  private final class LazyRecordWatch implements AutoCloseable {
    private final String namespace;
    private final MigrationSpec spec;
    private RecordWatch watch;

    LazyRecordWatch(String namespace, MigrationSpec spec) {
      this.namespace = namespace;
      this.spec = spec;
    }

    Optional<RunRecord> current() {
      if (watch == null) {
        watch =
            RecordWatch.open(client, namespace, spec.app(), spec.phase(), spec.version(), changed);
      }
      return watch.current();
    }

    @Override
    public void close() {
      if (watch != null) {
        watch.close();
      }
    }
  }

  /** The claim: settle the app's other runs, create the record, keep the history bounded. */
  private Optional<RunOutcome> claim(RecordStore store, RunRequest request) {
    MigrationSpec spec = request.spec();
    int recorded = settleOtherRuns(store, spec);
    Optional<StoredRecord> created = store.create(claimRecord(spec, request));
    if (created.isEmpty()) {
      return Optional.empty(); // claimed by another caller a moment ago: decide again
    }
    listener.progress(
        "claimed the run (record " + store.namespace() + "/" + recordName(spec) + ")");
    int pruned = recorded + 1 > HISTORY_LIMIT ? store.prune(spec.app(), HISTORY_LIMIT) : 0;
    if (pruned > 0) {
      listener.progress("pruned " + pruned + " old record(s) of " + spec.app());
    }
    return Optional.of(drive(store, created.get(), request, How.RAN));
  }

  /** A new attempt of a failed run: the same record, the next attempt, a new Job name. */
  private Optional<RunOutcome> retry(RecordStore store, RunRecord failed, RunRequest request) {
    MigrationSpec spec = request.spec();
    settleOtherRuns(store, spec);
    StoredRecord current = store.require(spec.app(), spec.phase(), spec.version());
    if (current.record().attempt() != failed.attempt()
        || current.record().state() != RunState.FAILED) {
      return Optional.empty(); // it changed since the decision: decide again
    }
    String job = RunNames.jobName(spec.app(), spec.phase(), spec.version(), failed.attempt() + 1);
    Optional<StoredRecord> retried =
        store.update(current, current.record().retried(job, clock.instant(), request.startedBy()));
    if (retried.isEmpty()) {
      return Optional.empty(); // another caller retried first: decide again
    }
    listener.progress(
        "starting attempt "
            + (failed.attempt() + 1)
            + " (attempt "
            + failed.attempt()
            + " failed: "
            + failed.reason()
            + ")");
    return Optional.of(drive(store, retried.get(), request, How.RAN));
  }

  private RunOutcome alreadySucceeded(RunRecord r) {
    return RunOutcome.of(
        How.ALREADY_SUCCEEDED,
        r,
        "already migrated: "
            + what(r)
            + " succeeded at "
            + r.finishedAt()
            + " (Job "
            + r.jobName()
            + ", started by "
            + r.startedBy()
            + "); nothing to do");
  }

  private static RunOutcome alreadyFailed(RunRecord r) {
    return RunOutcome.of(
        How.ALREADY_FAILED,
        r,
        what(r)
            + " failed at "
            + r.finishedAt()
            + ": "
            + r.message()
            + ": run again with --retry to start attempt "
            + (r.attempt() + 1));
  }

  /**
   * `logs -f`: follows the run of (app, phase, version) that another caller started: streams its
   * log live and waits for its result, which it records if that caller is gone. Starts nothing.
   */
  public RunOutcome follow(String namespace, String app, Phase phase, String version) {
    RecordStore store = new RecordStore(client, namespace);
    StoredRecord stored = store.require(app, phase, version);
    RunRecord r = stored.record();
    if (!r.state().isActive()) {
      return RunOutcome.of(How.AWAITED, r, summary(r));
    }
    if (r.inPod()) {
      throw new KubemigrateException(
          ExitCode.USAGE,
          "this run is done by `exec` in "
              + r.jobName()
              + ": follow it with kubectl logs -f "
              + r.jobName().substring(RunRecord.POD_PREFIX.length()));
    }
    listener.progress("following Job " + r.jobName() + " (started by " + r.startedBy() + ")");
    Watched watched =
        watch(
            namespace,
            r.jobName(),
            MigrationSpec.DEFAULT_STARTUP_GRACE,
            r.startedAt().plus(FOLLOW_LIMIT),
            null,
            new WatchedAttempt(
                store,
                stored,
                w -> written = w,
                listener,
                (pod, a) -> grantStart(namespace, pod, a)),
            ToolWatch.detecting());
    if (watched == null) {
      return RunOutcome.cancelled(r, "interrupted; the run goes on");
    }
    String logTail = authoritativeTail(namespace, watched).orElse(watched.tail().text());
    Verdict v = inToolsWords(watched.verdict(), watched.tools());
    RunRecord result =
        recordResult(
            store,
            r,
            v.kind() == Verdict.Kind.SUCCEEDED ? RunState.SUCCEEDED : RunState.FAILED,
            v,
            logTail,
            watched.tools().schema().orElse(null));
    if (watched.heldBack()) {
      deleteJob(namespace, r.jobName());
      listener.progress("stopped Job " + r.jobName() + ": its held-back pod must not wait on");
    }
    return RunOutcome.of(How.ATTACHED, result, summary(result));
  }

  /** Settles the app's other active runs; returns how many records the app has. */
  private int settleOtherRuns(RecordStore store, MigrationSpec spec) {
    return OtherRuns.settle(
        store, client, spec.app(), spec.phase(), spec.version(), clock, listener, spec.timeout());
  }

  private static Optional<RunRecord> read(RecordStore store, MigrationSpec spec) {
    return store.get(spec.app(), spec.phase(), spec.version()).map(StoredRecord::record);
  }

  private RunRecord claimRecord(MigrationSpec spec, RunRequest request) {
    return RunRecord.claim(
        spec.app(),
        spec.phase(),
        spec.version(),
        RunState.PENDING,
        spec.image(),
        SpecHash.of(spec),
        RunNames.jobName(spec.app(), spec.phase(), spec.version(), 1),
        clock.instant(),
        request.startedBy());
  }

  private RunOutcome drive(RecordStore store, StoredRecord stored, RunRequest request, How how) {
    String ns = request.namespace();
    RunRecord r = stored.record();
    // A fresh claim or attempt has no Job yet; create says so (409) if one exists after all.
    Job job =
        how == How.RAN && r.jobUid() == null
            ? null
            : client.batch().v1().jobs().inNamespace(ns).withName(r.jobName()).get();
    if (r.jobUid() != null && (job == null || !r.jobUid().equals(job.getMetadata().getUid()))) {
      // The Job ran and vanished (its TTL, a person) before anyone recorded its end.
      Verdict lost =
          Verdict.stop(
              Reason.JOB_LOST,
              "the Job "
                  + r.jobName()
                  + " is gone and its result was never recorded; check the database, then run"
                  + " again with --retry",
              null);
      return finish(
          store,
          r,
          new Watched(lost, new LogTail(), List.of(), Set.of(), false, ToolWatch.detecting()),
          request,
          how);
    }
    if (job == null && how == How.RAN && request.spec().phase() == Phase.POST) {
      // Under the lock, just before the contract starts: the rollout may have been undone while
      // this waited for the lock.
      Optional<RunOutcome> undone = rolloutStillDone(store, stored, request);
      if (undone.isPresent()) {
        return undone.get();
      }
    }
    if (job == null) {
      try {
        job = createJob(request.spec(), ns, r);
      } catch (KubemigrateException e) {
        if (how == How.RAN && ApiErrors.refused(e)) {
          endClaim(store, stored, e);
        }
        throw e;
      }
      if (request.spec().phase() == Phase.POST) {
        // From the moment its Job exists the schema is (being) contracted: the floor rises now,
        // not once the contract succeeded, so that no old pod passes the guard meanwhile.
        recordFloor(request.spec());
      }
    }
    if (r.jobUid() == null) {
      RunRecord running = r.withJobUid(job.getMetadata().getUid());
      Optional<StoredRecord> updated = store.update(stored, running);
      if (updated.isPresent()) {
        r = running;
        written = updated.get();
      } else {
        // The record changed while the Job was being created. Another caller may have recorded
        // the same Job (then watch it); if the run was settled meanwhile (recorded abandoned or
        // interrupted, say), the Job must not run: stop it and report the record.
        Optional<RunRecord> now =
            store.read(r.app(), r.phase(), r.version()).map(StoredRecord::record);
        String uid = job.getMetadata().getUid();
        boolean same =
            now.isPresent()
                && now.get().attempt() == r.attempt()
                && now.get().state().isActive()
                && (now.get().jobUid() == null || now.get().jobUid().equals(uid));
        if (!same) {
          deleteJob(ns, r.jobName());
          listener.progress(
              "stopped Job " + r.jobName() + ": its run was settled while the Job was created");
          if (now.isPresent() && !now.get().state().isActive()) {
            return RunOutcome.of(how, now.get(), summary(now.get()));
          }
          throw new KubemigrateException(
              ExitCode.KUBERNETES_API,
              "the record of "
                  + what(r)
                  + " changed while its Job was being created; run the same command again");
        }
      }
    }
    Instant deadline =
        r.startedAt()
            .plus(request.spec().timeout())
            .plus(request.spec().startupGrace())
            .plus(LATE_SLACK);
    WatchedAttempt attempt =
        new WatchedAttempt(
            store,
            written != null ? written : stored,
            w -> written = w,
            listener,
            (pod, a) -> grantStart(ns, pod, a));
    Watched watched =
        watch(
            ns,
            r.jobName(),
            request.spec().startupGrace(),
            deadline,
            request.spec().timeout(),
            attempt,
            ToolWatch.of(
                Tool.parse(request.spec().tool(), "--tool, spec.tool"),
                request.spec().image(),
                request.spec().command()));
    if (watched == null) {
      return interrupted(store, r, request, how);
    }
    return finish(store, r, watched, request, how);
  }

  /**
   * Deletes a first attempt's record that is still active (nothing ran): true when it is gone. A
   * later attempt's record, or one that another caller settled meanwhile, stays and is reported.
   */
  private boolean releaseClaim(RecordStore store, RunRecord mine) {
    if (mine.attempt() != 1) {
      return false;
    }
    try {
      Optional<StoredRecord> current = store.read(mine.app(), mine.phase(), mine.version());
      if (current.isEmpty()) {
        return true;
      }
      RunRecord r = current.get().record();
      if (r.attempt() != 1 || !r.state().isActive()) {
        return false;
      }
      store.delete(current.get());
      return true;
    } catch (KubemigrateException e) {
      listener.progress("could not release the claim: " + e.getMessage());
      return false;
    }
  }

  /**
   * A claim always ends: when the API server refuses this caller's own claim's Job (invalid,
   * forbidden: the Job does not exist), a first attempt's claim is released (its record deleted if
   * unchanged: nothing ran, and a corrected spec may claim the version again); a later attempt is
   * recorded as failed with the server's reason.
   */
  private void endClaim(RecordStore store, StoredRecord claim, KubemigrateException why) {
    RunRecord r = claim.record();
    try {
      if (r.attempt() == 1) {
        store.delete(claim);
        listener.progress("released the claim: the Job could not be created, nothing ran");
      } else {
        store.update(
            claim,
            r.finished(
                RunState.FAILED,
                clock.instant(),
                Reason.JOB_REJECTED,
                why.getMessage(),
                null,
                null));
      }
    } catch (KubemigrateException e) {
      listener.progress("could not release the claim: " + e.getMessage());
    }
  }

  private Job createJob(MigrationSpec spec, String ns, RunRecord r) {
    Job desired = new JobFactory().build(spec, ns, r.attempt(), server.get(), gateImage);
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
      throw ApiErrors.translate(client, e, "create", "jobs", ns);
    }
  }

  /**
   * @param complete the pods whose whole log the follower read: their tail needs no second read
   * @param heldBack whether the Job has a pod that Kubernetes started in place of one that started
   *     the migration, and that cannot start: the Job does not end by itself
   */
  private record Watched(
      Verdict verdict,
      LogTail tail,
      List<Pod> pods,
      Set<String> complete,
      boolean heldBack,
      ToolWatch tools) {}

  /** Once a run timed out, how long its still running container's log may hold the exit. */
  static final Duration DRAIN_WHILE_RUNNING = Duration.ofSeconds(1);

  /** How long a Job may be without a pod before its Events are watched for FailedCreate. */
  static final Duration EVENTS_AFTER = Duration.ofSeconds(1);

  /**
   * Watches (never polls) the Job and its pods until a terminal verdict; null if interrupted. With
   * {@code timeout}, the Job is also given up on once it has run that long (from its {@code
   * status.startTime}) and {@link #DEADLINE_SLACK} more. {@code attempt} records the pod that
   * starts the migration, which takes the Job's one start, and knows the uid of its Job.
   */
  private Watched watch(
      String ns,
      String jobName,
      Duration grace,
      Instant deadline,
      Duration timeout,
      WatchedAttempt attempt,
      ToolWatch tools) {
    LogTail tail = new LogTail();
    // The migration's log goes to the listener and through the tool's rules; a state that needs
    // the tool stopped wakes the loop.
    RunListener reading =
        new RunListener() {
          @Override
          public void progress(String message) {
            listener.progress(message);
          }

          @Override
          public void logLine(String pod, String line) {
            listener.logLine(pod, line);
            tools.accept(line);
            if (tools.stopNow()) {
              changed.wake();
            }
          }

          @Override
          public void flushLogs() {
            listener.flushLogs();
          }
        };
    // Informers list, then watch, and re-list when a watch breaks or expires (410 Gone), so a
    // dropped connection or an API server restart loses no change.
    try (LogFollower logs = new LogFollower(client, ns, reading, tail, reads.shared());
        JobWatches.View view = watches.open(ns, jobName, changed);
        JobEvents events = new JobEvents(client, ns, changed, listener::progress)) {
      logs.lookUpPodsIn(view::pod);
      String shown = null;
      boolean seenJob = false;
      Instant lookForJobAt = clock.instant().plus(UNSEEN_JOB);
      Instant jobSeenAt = null;
      while (!interrupted) {
        Job job = view.job();
        List<Pod> podList = view.pods();
        podList.forEach(logs::follow);
        if (job != null && jobSeenAt == null) {
          jobSeenAt = clock.instant();
        }
        if (job != null
            && podList.isEmpty()
            && !clock.instant().isBefore(jobSeenAt.plus(EVENTS_AFTER))) {
          // No pod yet: only the Job's Events can say that the controller cannot create it.
          events.open(job.getMetadata().getUid());
        }
        Verdict v =
            Classifier.classify(
                job, podList, events.events(), attempt.startedPod(), clock.instant(), grace);
        if (v.terminal()
            && v.kind() == Verdict.Kind.FAILED
            && v.exitCode() == null
            && job != null) {
          // The Job's verdict can arrive before its pod's last status: read the pods once more.
          podList = client.pods().inNamespace(ns).withLabel("job-name", jobName).list().getItems();
          v =
              Classifier.classify(
                  job, podList, List.of(), attempt.startedPod(), clock.instant(), grace);
        }
        if (!v.terminal() && tools.stopNow()) {
          // The tool waits for what will not come (its own stale lock): stop it now.
          ToolRules.Finding f = tools.finding().orElseThrow();
          v = Verdict.stop(f.reason(), f.message(), null);
        }
        if (!v.terminal()) {
          // A Job that has ended starts no other pod: only a running one's start is recorded.
          attempt.recordStart(job, podList);
        }
        boolean gone = false;
        if (job == null && !seenJob && !clock.instant().isBefore(lookForJobAt)) {
          lookForJobAt = clock.instant().plus(UNSEEN_JOB);
          gone = createdButGone(ns, jobName, attempt);
        }
        if (job != null) {
          seenJob = true;
        } else if (seenJob || gone) {
          v =
              Verdict.stop(
                  Reason.JOB_DELETED,
                  "the Job " + jobName + " was deleted before it finished",
                  null);
        }
        String key = v.key();
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
            if (v.kind() == Verdict.Kind.TIMED_OUT
                && !podList.stream().allMatch(LogFollower::ended)) {
              // Past its deadline, the container is being stopped and its stream stays open
              // while it is: the log read so far is the result's, and may not hold the exit.
              logs.awaitDrained(Duration.ofMillis(500), DRAIN_WHILE_RUNNING);
            } else {
              // The container ended (the Job's verdict says so even when the pod's status
              // lags): each stream ends by itself; read it to its end.
              logs.awaitDrained(Duration.ofSeconds(15));
            }
          }
          boolean heldBack = Classifier.replacement(job, podList, attempt.startedPod()).isPresent();
          return new Watched(v, tail, podList, logs.completed(), heldBack, tools);
        }
        Instant jobDeadline =
            timeout == null || job == null || job.getStatus() == null
                ? null
                : startOf(job).map(t -> t.plus(timeout).plus(DEADLINE_SLACK)).orElse(null);
        if (clock.instant().isAfter(deadline)
            || (jobDeadline != null && clock.instant().isAfter(jobDeadline))) {
          // Interim lines of the log stay; the container is stopped with the Job below.
          logs.awaitDrained(Duration.ofMillis(200), DRAIN_WHILE_RUNNING);
          return new Watched(
              Verdict.stop(
                  Reason.CLIENT_DEADLINE_EXCEEDED,
                  "the migration did not finish within its timeout"
                      + (timeout == null ? "" : " of " + Durations.format(timeout))
                      + " (--timeout) and Kubernetes did not stop it by "
                      + (jobDeadline != null ? jobDeadline : deadline)
                      + "; stopping it now",
                  null),
              tail,
              podList,
              logs.completed(),
              false,
              tools);
        }
        awaitChange();
      }
      return null;
    } catch (KubernetesClientException e) {
      throw ApiErrors.translate(client, e, "watch", "jobs and pods", ns);
    }
  }

  /**
   * A migration that exited non-zero, said in its tool's words when its output named a state of the
   * tool's tables that needs a person (a failed Flyway row, a dirty golang-migrate version): that
   * reason and what to do, with the exit code kept.
   */
  static Verdict inToolsWords(Verdict v, ToolWatch tools) {
    if (v.reason() != Reason.ERROR || tools.finding().isEmpty()) {
      return v;
    }
    ToolRules.Finding f = tools.finding().get();
    return Verdict.stop(f.reason(), f.message() + " (" + v.message() + ")", v.exitCode());
  }

  /** How long a watch may see no Job before it asks whether the Job was created and deleted. */
  static final Duration UNSEEN_JOB = Duration.ofSeconds(3);

  /**
   * Lets {@code pod} through its {@link dev.kubemigrate.job.StartGate}: the annotation, by a merge
   * patch of the pod's metadata only (the pod's spec and status are the kubelet's).
   */
  private void grantStart(String ns, String pod, int attempt) {
    String patch =
        "{\"metadata\":{\"annotations\":{\""
            + dev.kubemigrate.job.StartGate.ANNOTATION
            + "\":\"attempt "
            + attempt
            + "\"}}}";
    try {
      client
          .pods()
          .inNamespace(ns)
          .withName(pod)
          .patch(
              io.fabric8.kubernetes.client.dsl.base.PatchContext.of(
                  io.fabric8.kubernetes.client.dsl.base.PatchType.JSON_MERGE),
              patch);
      listener.progress("let pod " + pod + " start the migration (the attempt's one pod)");
    } catch (KubernetesClientException e) {
      throw ApiErrors.translate(client, e, "patch", "pods", ns);
    }
  }

  /**
   * True when a Job this watch never saw was created and is gone (deleted before the watch's first
   * list): the record has its uid, and the API server no longer has it. The watch asks once the Job
   * has been unseen for {@link #UNSEEN_JOB}, then at most every {@link #UNSEEN_JOB}.
   */
  private boolean createdButGone(String ns, String jobName, WatchedAttempt attempt) {
    String uid = attempt.jobUid();
    if (uid == null) {
      return false; // not created yet (or its creator stopped before: the claim's own rules)
    }
    Job job = client.batch().v1().jobs().inNamespace(ns).withName(jobName).get();
    return job == null || !uid.equals(job.getMetadata().getUid());
  }

  /** When the Job started, as its controller says. */
  private static Optional<Instant> startOf(Job job) {
    String start = job.getStatus().getStartTime();
    try {
      return start == null ? Optional.empty() : Optional.of(Instant.parse(start));
    } catch (java.time.format.DateTimeParseException e) {
      return Optional.empty();
    }
  }

  private void awaitChange() {
    // A change wakes us at once; the timeout only lets grace periods and deadlines expire.
    if (!changed.await(Duration.ofSeconds(1))) {
      interrupted = true;
    }
  }

  private RunOutcome finish(
      RecordStore store, RunRecord mine, Watched watched, RunRequest request, How how) {
    String logTail = authoritativeTail(request.namespace(), watched).orElse(watched.tail().text());
    // Once the whole log is read: a short migration's lines may reach it only from the final tail.
    Verdict verdict = inToolsWords(watched.verdict(), watched.tools());
    RunState state =
        verdict.kind() == Verdict.Kind.SUCCEEDED ? RunState.SUCCEEDED : RunState.FAILED;
    if (verdict.reason() == Reason.DATABASE_UNREACHABLE && releaseClaim(store, mine)) {
      // The migration's container never started (its init container gave up): nothing ran, so
      // nothing is recorded, and the same command (or the operator's next reconcile) runs it once
      // the database is up, as exec's next start does.
      deleteJob(request.namespace(), mine.jobName());
      RunRecord unrecorded =
          mine.finished(
              RunState.FAILED, clock.instant(), verdict.reason(), verdict.message(), null, null);
      listener.progress(
          "released the claim: the migration never started; run the same command again once the"
              + " database is up");
      return RunOutcome.of(how, unrecorded, summary(unrecorded));
    }
    RunRecord result =
        recordResult(store, mine, state, verdict, logTail, watched.tools().schema().orElse(null));
    boolean stop =
        verdict.kind() == Verdict.Kind.COULD_NOT_START
            || verdict.reason() == Reason.CLIENT_DEADLINE_EXCEEDED
            || watched.heldBack();
    if (stop) {
      // Kubernetes would keep retrying the pull or the config behind the user's back, or keep
      // the pod it started in place of a deleted one waiting for a start it never gets.
      deleteJob(request.namespace(), mine.jobName());
      listener.progress("stopped Job " + mine.jobName() + " so that nothing keeps retrying");
    }
    return RunOutcome.of(how, result, summary(result));
  }

  /** Stores the result unless another caller stored this attempt's result first; returns it. */
  private RunRecord recordResult(
      RecordStore store,
      RunRecord mine,
      RunState state,
      Verdict verdict,
      String logTail,
      SchemaProgress.Schema schema) {
    UnaryOperator<RunRecord> result =
        base -> {
          RunRecord ended =
              base.finished(
                  state,
                  clock.instant(),
                  verdict.reason(),
                  verdict.message(),
                  verdict.exitCode(),
                  logTail);
          return schema == null ? ended : ended.withSchema(schema.before(), schema.after());
        };
    boolean floored = false;
    for (int i = 0; i < 20; i++) {
      // First from the record as this call wrote it (a conflict says it changed since), then read.
      Optional<StoredRecord> current =
          i == 0 && written != null && written.record().attempt() == mine.attempt()
              ? Optional.of(written)
              : store.read(mine.app(), mine.phase(), mine.version());
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
      if (state == RunState.SUCCEEDED && spec != null && spec.phase() == Phase.DOWN && !floored) {
        // A down migration lowers the floor once it succeeded (a contract raised it as it
        // started), and before its record says so.
        floored = true;
        recordFloor(spec);
      }
      if (store.update(current.get(), finished).isPresent()) {
        return finished;
      }
    }
    throw new KubemigrateException(
        ExitCode.KUBERNETES_API, "could not record the result: the record kept changing");
  }

  private RunOutcome interrupted(RecordStore store, RunRecord r, RunRequest request, How how) {
    if (request.deleteOnInterrupt()) {
      Verdict v = Verdict.stop(Reason.INTERRUPTED, "interrupted; the Job was stopped", null);
      RunRecord result = recordResult(store, r, RunState.FAILED, v, null, null);
      deleteJob(request.namespace(), r.jobName());
      return RunOutcome.cancelled(
          result, "interrupted: stopped Job " + r.jobName() + " (--on-interrupt delete)");
    }
    return RunOutcome.cancelled(
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
  private Optional<String> authoritativeTail(String ns, Watched watched) {
    Optional<Pod> newest =
        watched.pods().stream()
            .filter(p -> Classifier.terminated(p).isPresent())
            .max(Comparator.comparing(p -> p.getMetadata().getCreationTimestamp()));
    if (newest.isEmpty() || watched.complete().contains(newest.get().getMetadata().getName())) {
      return Optional.empty(); // no pod ran, or the follower read its whole log already
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
      log.lines().filter(line -> !LogFollower.kubeletError(line)).forEach(tail::add);
      if (tail.isEmpty() && !watched.tail().isEmpty()) {
        return Optional.empty(); // the kubelet lost the log (its pod is gone): keep what came
      }
      // Lines the follower never got (containerd had not written them when it read): printed now,
      // so that stdout has the log the record keeps.
      String pod = newest.get().getMetadata().getName();
      for (String line : unseen(watched.tail().text(), tail.text())) {
        listener.logLine(pod, line);
        watched.tools().accept(line);
      }
      listener.flushLogs();
      return Optional.of(tail.text());
    } catch (KubernetesClientException e) {
      return Optional.empty();
    }
  }

  /**
   * The lines at the end of {@code authoritative} (the kubelet's tail of the log) that come after
   * the last line the follower delivered ({@code followed}, its tail): all of them when it
   * delivered none; none when the two cannot be lined up, rather than a line twice. Pure.
   */
  static List<String> unseen(String followed, String authoritative) {
    List<String> auth = authoritative.isEmpty() ? List.of() : authoritative.lines().toList();
    List<String> seen = followed.isEmpty() ? List.of() : followed.lines().toList();
    if (seen.isEmpty()) {
      return auth;
    }
    // The longest overlap: a suffix of what was seen that the authoritative tail holds, ending at
    // some line; what follows it there is unseen.
    for (int end = auth.size(); end > 0; end--) {
      int k = 0;
      while (k < end
          && k < seen.size()
          && auth.get(end - 1 - k).equals(seen.get(seen.size() - 1 - k))) {
        k++;
      }
      if (k == Math.min(end, seen.size())) {
        return auth.subList(end, auth.size());
      }
    }
    return List.of();
  }

  private static String summary(RunRecord r) {
    String took = r.duration().map(d -> " after " + Durations.format(d)).orElse("");
    if (r.state() == RunState.SUCCEEDED) {
      return what(r) + " succeeded" + took + " (Job " + r.jobName() + ")";
    }
    String verdict =
        switch (r.outcomeCode()) {
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
