package dev.kubemigrate.operator;

import dev.kubemigrate.api.Decisions;
import dev.kubemigrate.api.KubemigrateException;
import dev.kubemigrate.api.MigrationSpec;
import dev.kubemigrate.api.PreflightMode;
import dev.kubemigrate.api.RecordCache;
import dev.kubemigrate.api.RunRecord;
import dev.kubemigrate.api.RunRequest;
import dev.kubemigrate.engine.Kubemigrate;
import dev.kubemigrate.migration.Migration;
import dev.kubemigrate.migration.MigrationStatus;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.MaxReconciliationInterval;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Reconciles a {@code Migration}: reads its run's record, starts the run through the engine when
 * the record says it is due, and writes the record into the status. It never blocks on a migration:
 * {@link Runs} drives it and asks for a reconcile whenever it moves.
 *
 * <p>Exactly once, across restarts and replicas, comes from the engine: the record is the claim,
 * and a new operator that finds a run under way attaches to its Job instead of starting another.
 */
@ControllerConfiguration(
    name = MigrationReconciler.NAME,
    maxReconciliationInterval =
        @MaxReconciliationInterval(interval = 10, timeUnit = TimeUnit.MINUTES))
public final class MigrationReconciler implements Reconciler<Migration> {

  static final String NAME = "migration";

  /** How long after a run broke on an API error before it is tried again. */
  static final Duration RETRY_AFTER_ERROR = Duration.ofSeconds(10);

  private final KubernetesClient client;
  private final Clock clock;
  private final String identity;
  private final MigrationEvents events;
  private final SimpleInboundEventSource<Migration> runChanges =
      new SimpleInboundEventSource<>("run-changes");
  private final Runs runs;

  /** Whether the records' informer keeps them without managedFields (one informer, not several). */
  private final boolean leanRecords;

  /** The status last patched per Migration (by uid): the cache may not show it yet. */
  private final Map<String, MigrationStatus> written =
      new java.util.concurrent.ConcurrentHashMap<>();

  MigrationReconciler(
      KubernetesClient client,
      Clock clock,
      String identity,
      int maxConcurrentRuns,
      OperatorMetrics metrics) {
    this(client, clock, identity, maxConcurrentRuns, metrics, null);
  }

  /**
   * @param sharedNamespaces the namespaces whose Jobs and pods all runs watch through one shared
   *     informer each (empty: all namespaces); null: each run watches its own
   */
  MigrationReconciler(
      KubernetesClient client,
      Clock clock,
      String identity,
      int maxConcurrentRuns,
      OperatorMetrics metrics,
      List<String> sharedNamespaces) {
    this.client = client;
    this.clock = clock;
    this.identity = identity;
    this.events = new MigrationEvents(client, clock, identity);
    this.leanRecords = OperatorSettings.oneInformerPerKind(sharedNamespaces);
    this.runs =
        new Runs(
            client,
            clock,
            maxConcurrentRuns,
            metrics,
            runChanges::propagateEvent,
            sharedNamespaces,
            this::recordCache);
  }

  /** The index of Migrations by the record their run writes: namespace/record-name. */
  private static final String RECORD_INDEX = "kubemigrate-record";

  /** Every run record in the watched namespaces, from one informer: no GET per reconcile. */
  private InformerEventSource<ConfigMap, Migration> records;

  @Override
  public List<EventSource<?, Migration>> prepareEventSources(
      EventSourceContext<Migration> context) {
    context
        .getPrimaryCache()
        .addIndexers(Map.of(RECORD_INDEX, m -> recordKey(m).stream().toList()));
    var recordsConfig =
        InformerEventSourceConfiguration.from(ConfigMap.class, Migration.class)
            .withName("records")
            .withLabelSelector(Kubemigrate.RECORD_LABEL + "=true")
            .withNamespacesInheritedFromController()
            // A record changes: reconcile the Migrations whose run it is (the engine's steps
            // trigger reconciles through their record, not through each progress line).
            .withSecondaryToPrimaryMapper(
                cm ->
                    context
                        .getPrimaryCache()
                        .byIndex(
                            RECORD_INDEX,
                            cm.getMetadata().getNamespace() + "/" + cm.getMetadata().getName())
                        .stream()
                        .map(ResourceID::fromResource)
                        .collect(Collectors.toSet()));
    if (leanRecords) {
      recordsConfig.withItemStore(Kubemigrate.leanStore());
    }
    records = new InformerEventSource<>(recordsConfig.build(), context);
    return List.of(runChanges, records);
  }

  /** The records as the informer holds them, for the engine to read before it asks the API. */
  private RecordCache recordCache() {
    InformerEventSource<ConfigMap, Migration> source = records;
    if (source == null) {
      return null;
    }
    // Lists of records always come from the API server (RecordStore#list): only reads by name.
    return (namespace, name) -> source.get(new ResourceID(name, namespace));
  }

  /**
   * The operator's own image ({@link OwnImage}): the default of {@code spec.waitForDatabase.image},
   * and the start gate's on Kubernetes before 1.26; null: none.
   */
  private volatile String ownImage;

  void ownImage(String image) {
    ownImage = image;
  }

  private MigrationSpec withOwnImage(MigrationSpec spec) {
    return spec.waitForDatabase() == null
        ? spec
        : spec.toBuilder()
            .waitForDatabase(spec.waitForDatabase().withDefaultImage(ownImage))
            .build();
  }

  /** The operator's {@code --notify} URLs, added to every Migration's {@code spec.notify}. */
  private volatile List<String> operatorNotify = List.of();

  void notifyAlso(List<String> urls) {
    operatorNotify = List.copyOf(urls);
  }

  private MigrationSpec withOperatorDefaults(MigrationSpec spec) {
    MigrationSpec s = withOwnImage(spec);
    if (operatorNotify.isEmpty()) {
      return s;
    }
    java.util.LinkedHashSet<String> urls = new java.util.LinkedHashSet<>(s.notifyUrls());
    urls.addAll(operatorNotify);
    return s.toBuilder().notifyUrls(List.copyOf(urls)).build();
  }

  /** namespace/record-name of the Migration's run, when its spec can be read. */
  private static Optional<String> recordKey(Migration m) {
    try {
      MigrationSpec spec = m.getSpec().toMigrationSpec();
      if (spec.version() == null) {
        return Optional.empty();
      }
      return Optional.of(
          m.getMetadata().getNamespace()
              + "/"
              + Kubemigrate.recordName(spec.app(), spec.phase(), spec.version()));
    } catch (RuntimeException e) {
      return Optional.empty(); // an invalid spec has no record; reconcile says why
    }
  }

  /**
   * The run's record: from the informer's cache once the event sources are prepared (a GET before
   * that, as in tests that call {@link #reconcile} directly), or the result that this operator's
   * own run just stored when the cache has not caught up with it yet.
   */
  private Optional<RunRecord> record(ResourceID id, String namespace, MigrationSpec spec) {
    Optional<RunRecord> cached =
        records != null
            ? records
                .get(
                    new ResourceID(
                        Kubemigrate.recordName(spec.app(), spec.phase(), spec.version()),
                        namespace))
                .map(Kubemigrate::recordOf)
            : new Kubemigrate(client, clock)
                .record(namespace, spec.app(), spec.phase(), spec.version());
    Optional<RunRecord> mine =
        runs.lastResult(id)
            .filter(
                r ->
                    r.app().equals(spec.app())
                        && r.phase() == spec.phase()
                        && r.version().equals(spec.version()));
    if (mine.isPresent()
        && (cached.isEmpty()
            || mine.get().attempt() > cached.get().attempt()
            || (mine.get().attempt() == cached.get().attempt()
                && cached.get().state().isActive()
                && !mine.get().state().isActive()))) {
      return mine;
    }
    return cached;
  }

  @Override
  public UpdateControl<Migration> reconcile(Migration m, Context<Migration> context) {
    Instant now = clock.instant();
    ResourceID id = ResourceID.fromResource(m);
    String namespace = m.getMetadata().getNamespace();

    MigrationSpec spec;
    int wanted;
    PreflightMode preflight;
    try {
      if (m.getSpec() == null) {
        throw KubemigrateException.usage("spec is missing");
      }
      spec = withOperatorDefaults(m.getSpec().toMigrationSpec()).validate();
      wanted = m.getSpec().wantedAttempt();
      preflight = m.getSpec().preflightMode();
    } catch (KubemigrateException e) {
      return report(m, MigrationStatuses.invalidSpec(m, e.getMessage(), now));
    }

    Optional<RunRecord> current = record(id, namespace, spec);
    RunRecord r = current.orElse(null);
    // The same decision as `run` makes: done, conflict, or a run to start (claim, retry, attach).
    Decisions.Plan plan = Kubemigrate.decide(current, spec, wanted);
    if (plan.action() == Decisions.Action.CONFLICT) {
      return report(
          m,
          MigrationStatuses.conflict(
              m,
              r,
              Kubemigrate.describe(spec.app(), spec.phase(), spec.version())
                  + " was already run with another spec (image "
                  + r.image()
                  + "): a changed migration needs a new version",
              now));
    }
    boolean done =
        plan.action() == Decisions.Action.ALREADY_SUCCEEDED
            || plan.action() == Decisions.Action.ALREADY_FAILED;
    if (done || runs.isActive(id)) {
      // A run waiting for a free slot says what the first reconcile said: no patch per reconcile.
      String note = !done && r == null ? runs.waitingFor(id).orElse("starting") : null;
      return report(m, MigrationStatuses.of(m, spec.version(), r, note, now));
    }

    Optional<Runs.RunError> error = runs.lastError(id);
    if (error.isPresent() && error.get().terminal() && error.get().spec().equals(spec)) {
      // Stalled with the engine's own reason: SpecConflict for a conflict it found, say.
      return report(
          m, MigrationStatuses.stopped(m, error.get().reason(), error.get().message(), now));
    }
    if (error.isPresent()) {
      Duration wait = Duration.between(now, error.get().at().plus(RETRY_AFTER_ERROR));
      if (!wait.isNegative() && !wait.isZero()) {
        String note = "the last try broke: " + error.get().message() + "; trying again";
        return report(m, MigrationStatuses.of(m, spec.version(), r, note, now))
            .rescheduleAfter(wait);
      }
    }

    boolean retry = plan.action() == Decisions.Action.RETRY;
    runs.submit(
        id,
        RunRequest.of(spec, namespace)
            .attempt(wanted)
            .preflight(preflight)
            .kubemigrateImage(ownImage)
            .startedBy(
                "kubemigrate operator " + identity + " for migration/" + m.getMetadata().getName())
            .build());
    String note =
        retry
            ? "starting attempt " + (r.attempt() + 1) + " (spec.attempt is " + wanted + ")"
            : r == null ? "starting" : null;
    return report(m, MigrationStatuses.of(m, spec.version(), r, note, now));
  }

  /** Patches the status when it says something new, with an Event when the phase changes. */
  private UpdateControl<Migration> report(Migration m, MigrationStatus next) {
    // The Migration in the cache can be behind the status this operator patched a moment ago (a
    // record change triggers the next reconcile before the patch is seen): compare with what was
    // written, so that neither the patch nor its Event is made twice.
    String uid = m.getMetadata().getUid();
    MigrationStatus written = uid == null ? null : this.written.get(uid);
    if (written != null && MigrationStatuses.same(m.getStatus(), written)) {
      this.written.remove(uid); // the cache has caught up: keep the map to patches in flight
      written = null;
    }
    MigrationStatus previous = written != null ? written : m.getStatus();
    if (MigrationStatuses.same(previous, next) || MigrationStatuses.same(m.getStatus(), next)) {
      return UpdateControl.noUpdate();
    }
    announce(m, previous, next);
    if (uid != null) {
      this.written.put(uid, next);
    }
    m.setStatus(next);
    return UpdateControl.patchStatus(m);
  }

  /** A reconcile or its status patch failed: forget what was written, retry as JOSDK does. */
  @Override
  public ErrorStatusUpdateControl<Migration> updateErrorStatus(
      Migration m, Context<Migration> context, Exception e) {
    if (m.getMetadata().getUid() != null) {
      written.remove(m.getMetadata().getUid());
    }
    return ErrorStatusUpdateControl.defaultErrorProcessing();
  }

  private void announce(Migration m, MigrationStatus previous, MigrationStatus next) {
    String before = previous == null ? null : previous.phase() + "/" + previous.reason();
    String after = next.phase() + "/" + next.reason();
    if (Objects.equals(before, after)) {
      return;
    }
    switch (next.phase()) {
      case MigrationStatuses.RUNNING -> events.normal(m, next.reason(), next.message());
      case MigrationStatuses.SUCCEEDED -> events.normal(m, "Succeeded", next.message());
      case MigrationStatuses.FAILED -> events.warning(m, next.reason(), next.message());
      default -> {
        // Pending says nothing worth an event.
      }
    }
  }

  /** Stops waiting for the runs in flight; their Jobs go on (see {@link Runs#close()}). */
  void stop() {
    runs.close();
  }
}
