package dev.kubemigrate.engine;

import dev.kubemigrate.api.DatabaseAddress;
import dev.kubemigrate.api.Decisions;
import dev.kubemigrate.api.ExecRequest;
import dev.kubemigrate.api.KubemigrateException;
import dev.kubemigrate.api.MigrationSpec;
import dev.kubemigrate.api.Phase;
import dev.kubemigrate.api.RecordCache;
import dev.kubemigrate.api.RunListener;
import dev.kubemigrate.api.RunOutcome;
import dev.kubemigrate.api.RunRecord;
import dev.kubemigrate.api.RunRequest;
import dev.kubemigrate.api.SchemaFloor;
import dev.kubemigrate.await.AwaitEngine;
import dev.kubemigrate.ci.CiEnvironment;
import dev.kubemigrate.database.DatabaseWait;
import dev.kubemigrate.exec.ExecEngine;
import dev.kubemigrate.job.JobFactory;
import dev.kubemigrate.job.Redaction;
import dev.kubemigrate.job.RunNames;
import dev.kubemigrate.job.SpecHash;
import dev.kubemigrate.kube.ApiErrors;
import dev.kubemigrate.kube.KubeClients;
import dev.kubemigrate.kube.Namespaces;
import dev.kubemigrate.kube.ServerVersion;
import dev.kubemigrate.kube.SharedReads;
import dev.kubemigrate.preflight.Preflight;
import dev.kubemigrate.preflight.PreflightRules;
import dev.kubemigrate.record.FloorStore;
import dev.kubemigrate.record.RecordCodec;
import dev.kubemigrate.record.RecordStore;
import dev.kubemigrate.run.JobWatches;
import dev.kubemigrate.run.RunEngine;
import dev.kubemigrate.run.SharedJobWatches;
import dev.kubemigrate.version.KubemigrateVersion;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The engine's one entry point, shared by the command line and the operator: run, await, exec,
 * follow a run's log, read records, render a Job. The values it takes and returns are in {@code
 * dev.kubemigrate.api}; everything behind it (Job building, watching, classifying, locks, record
 * storage) is internal. A call that blocks is a {@link Call}, which can be interrupted from another
 * thread (Ctrl-C, SIGTERM, an operator shutting down).
 */
public final class Kubemigrate implements AutoCloseable {

  /** Records kept per app; older finished ones are pruned when a new run is claimed. */
  public static final int HISTORY_LIMIT = RunEngine.HISTORY_LIMIT;

  /** The label that every run record carries: {@code kubemigrate.dev/record=true}. */
  public static final String RECORD_LABEL = RecordCodec.RECORD_LABEL;

  /** A blocking call of the engine: {@link #get()} runs it; {@link #interrupt()} stops it. */
  public interface Call {
    RunOutcome get();

    void interrupt();
  }

  private final KubernetesClient client;
  private final Clock clock;
  private final JobWatches watches;
  private final RecordCache records;
  private final SharedReads reads;

  /** The API server's version, read once for every run of this instance (the operator's many). */
  private final Supplier<ServerVersion> serverVersion;

  /** Each run watches its own Job and pods: what one command needs. */
  public Kubemigrate(KubernetesClient client, Clock clock) {
    this(client, clock, JobWatches.perRun(client), null, SharedReads.NONE);
  }

  private Kubemigrate(
      KubernetesClient client,
      Clock clock,
      JobWatches watches,
      RecordCache records,
      SharedReads reads) {
    this.reads = reads;
    this.client = client;
    this.clock = clock;
    this.watches = watches;
    this.records = records;
    this.serverVersion = ServerVersion.once(client);
  }

  /**
   * For a process that drives many runs at once (the operator): its runs share one Job informer and
   * one pod informer per namespace ({@code namespaces}; empty: all), so that a run costs no list or
   * watch of its own; they read records from {@code records}, an informer's cache (null: from the
   * API server); and the pre-flight's quotas, LimitRanges and nodes, the apps' Leases and schema
   * floors from informers of their own, each started when first read (and read from the API server
   * while it cannot watch). Close it to stop the watches.
   */
  public static Kubemigrate sharingWatches(
      KubernetesClient client, Clock clock, List<String> namespaces, RecordCache records) {
    return new Kubemigrate(
        client,
        clock,
        new SharedJobWatches(client, namespaces),
        records,
        SharedReads.informed(client, namespaces));
  }

  /** Stops the shared watches, if any. */
  @Override
  public void close() {
    watches.close();
    reads.close();
  }

  /**
   * A client from a kubeconfig (null: the default, or in-cluster) and a context (null: current).
   */
  public static KubernetesClient connect(String kubeconfig, String context) {
    return KubeClients.create(kubeconfig, context);
  }

  /** The same, for a call that must end within {@code limit}: connecting waits no longer. */
  public static KubernetesClient connect(
      String kubeconfig, String context, java.time.Duration limit) {
    return KubeClients.create(kubeconfig, context, limit);
  }

  /**
   * The store for an informer of a process that keeps many objects (the operator's Migrations and
   * records): each object without its managedFields, as the engine's own shared informers keep
   * theirs.
   */
  public static <T extends io.fabric8.kubernetes.api.model.HasMetadata>
      io.fabric8.kubernetes.client.informers.cache.ItemStore<T> leanStore() {
    return new dev.kubemigrate.kube.LeanStore<>();
  }

  /**
   * A client failure that reached a caller without passing through the engine (an informer that
   * cannot start, say) as the engine says it: one line and a typed reason.
   */
  public static java.util.Optional<KubemigrateException> apiError(
      KubernetesClient client, Throwable failure) {
    return ApiErrors.find(client, failure);
  }

  /** The namespace to use: the flag's, else the kubeconfig context's or the pod's, else default. */
  public static String namespace(KubernetesClient client, String flag) {
    return KubeClients.namespace(client, flag);
  }

  /** `kubemigrate run` and the operator: the migration, once per (app, phase, version). */
  public Call run(RunRequest request, RunListener listener) {
    RunEngine engine =
        new RunEngine(client, clock, listener, watches, records, serverVersion, reads);
    return call(() -> engine.run(request), engine::interrupt);
  }

  /** `kubemigrate await`: until the record of (app, phase, version) says how it ended. */
  public Call await(
      String namespace,
      String app,
      Phase phase,
      String version,
      Duration timeout,
      RunListener listener) {
    AwaitEngine engine = new AwaitEngine(client, clock, listener);
    return call(() -> engine.await(namespace, app, phase, version, timeout), engine::interrupt);
  }

  /**
   * `kubemigrate wait-for-db`: waits until the database that {@code lookup} found accepts
   * connections; empty once it does (or when none was found, or {@code timeout} is zero), else why
   * not (exit 3 {@code DatabaseUnreachable}, or interrupted). Needs no cluster.
   */
  public static Optional<RunOutcome> waitForDatabase(
      DatabaseAddress.Lookup lookup,
      Duration timeout,
      Clock clock,
      RunListener listener,
      java.util.function.BooleanSupplier stop) {
    return DatabaseWait.beforeMigration("the migration", lookup, timeout, clock, listener, stop);
  }

  /**
   * `kubemigrate start-once`, in a run's pod: true once the pod's grant annotation, which the
   * downward API writes to {@code grantFile}, is set (see {@link dev.kubemigrate.job.StartGate});
   * false when {@code stop} says so first. Needs no cluster.
   */
  public static boolean awaitStartGrant(
      java.nio.file.Path grantFile,
      Clock clock,
      RunListener listener,
      java.util.function.BooleanSupplier stop) {
    return dev.kubemigrate.job.StartGate.await(grantFile, clock, listener, stop)
        == dev.kubemigrate.job.StartGate.Result.GRANTED;
  }

  /** `kubemigrate exec`: the command, once per version across the app's replicas. */
  public Call exec(ExecRequest request, RunListener listener) {
    ExecEngine engine = new ExecEngine(client, clock, listener);
    return call(() -> engine.exec(request), engine::interrupt);
  }

  /** `kubemigrate logs -f`: follows the run another caller started; starts nothing. */
  public Call follow(
      String namespace, String app, Phase phase, String version, RunListener listener) {
    RunEngine engine = new RunEngine(client, clock, listener);
    return call(() -> engine.follow(namespace, app, phase, version), engine::interrupt);
  }

  /** The record of (app, phase, version), if it exists. */
  public Optional<RunRecord> record(String namespace, String app, Phase phase, String version) {
    return new RecordStore(client, namespace).get(app, phase, version).map(s -> s.record());
  }

  /** The record of (app, phase, version), or a failure naming what is not recorded. */
  public RunRecord requireRecord(String namespace, String app, Phase phase, String version) {
    return new RecordStore(client, namespace).require(app, phase, version).record();
  }

  /**
   * The not-found error (exit 7) for no record of {@code what} (an app, or an app and version): or,
   * if the namespace does not exist, the error that says so.
   */
  public KubemigrateException notRecorded(String namespace, String what, Phase phase) {
    return new RecordStore(client, namespace).notRecorded(what, phase);
  }

  /**
   * Throws a {@code NamespaceNotFound} error (exit 7) when the API server says {@code namespace}
   * does not exist; without the permission to read namespaces, it is taken to exist.
   */
  public void requireNamespace(String namespace) {
    Namespaces.requireExists(client, namespace);
  }

  /** Every record of the app, newest first (at most {@link #HISTORY_LIMIT}). */
  public List<RunRecord> history(String namespace, String app) {
    return new RecordStore(client, namespace).list(app);
  }

  /** The Job that `run` would create, as it would create it. Pure: no cluster. */
  /** What the pre-flight found: problems, each with what to do, and the checks it skipped. */
  public record Preflighted(List<String> problems, Set<String> skipped, List<String> warnings) {}

  /** The pre-flight that {@code run} makes before it creates anything, on its own. */
  public static Preflighted preflight(
      KubernetesClient client, MigrationSpec spec, String namespace, boolean strict) {
    PreflightRules.Result r = Preflight.check(client, namespace, spec, 1, strict);
    return new Preflighted(r.problems(), new java.util.TreeSet<>(r.skipped()), r.warnings());
  }

  /** The app's schema floor (the rollback guard), if a contract or down migration set one. */
  public Optional<SchemaFloor> floor(String namespace, String app) {
    return new FloorStore(client, namespace).get(app);
  }

  /**
   * The Job that {@code run} creates for the first attempt, as for any server, without the
   * start-once volume that only a run's record can arm (see {@link JobFactory}).
   */
  public static Job renderJob(MigrationSpec spec, String namespace) {
    return new JobFactory().buildWithoutRecord(spec, namespace, 1);
  }

  /** The Job with the values of env vars whose names look secret masked, for printing. */
  public static Job redacted(Job job) {
    return Redaction.redacted(job);
  }

  /** The names of the env vars that {@link #redacted} masks. */
  public static Set<String> secretEnvNames(Job job) {
    return Redaction.secretEnvNames(job);
  }

  /**
   * What the engine would do about this spec's run, given its record: the same pure decision that
   * `run` makes (the operator reconciles with it).
   */
  public static Decisions.Plan decide(
      Optional<RunRecord> record, MigrationSpec spec, int wantedAttempt) {
    return Decisions.decide(
        record, new Decisions.Ask(SpecHash.of(spec), false, wantedAttempt, false));
  }

  /** The name of the ConfigMap that holds the record of (app, phase, version). */
  public static String recordName(String app, Phase phase, String version) {
    return RecordCodec.name(app, phase, version);
  }

  /** The record that a record ConfigMap holds (from an informer's cache, say). */
  public static RunRecord recordOf(ConfigMap configMap) {
    return RecordCodec.fromConfigMap(configMap);
  }

  /** How people read a run: "migration of shop 1.4.2 (pre)". */
  public static String describe(String app, Phase phase, String version) {
    return RunNames.describe(app, phase, version);
  }

  /** Who starts a run: the CI run's URL when the usual CI variables say, else user@host. */
  public static String startedBy(Map<String, String> env, String user, String host) {
    return CiEnvironment.startedBy(env, user, host);
  }

  /** True when {@code name} can name a namespace (a DNS-1123 label). */
  public static boolean isNamespaceName(String name) {
    return dev.kubemigrate.names.KubernetesNames.isDnsLabel(name);
  }

  /** kubemigrate's own version, as built. */
  public static String version() {
    return KubemigrateVersion.current();
  }

  private static Call call(Supplier<RunOutcome> body, Runnable interrupt) {
    return new Call() {
      @Override
      public RunOutcome get() {
        return body.get();
      }

      @Override
      public void interrupt() {
        interrupt.run();
      }
    };
  }
}
