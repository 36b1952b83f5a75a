package dev.kubemigrate.operator;

import dev.kubemigrate.api.ExitCode;
import dev.kubemigrate.api.KubemigrateException;
import dev.kubemigrate.api.MigrationSpec;
import dev.kubemigrate.api.Reason;
import dev.kubemigrate.api.RecordCache;
import dev.kubemigrate.api.RunListener;
import dev.kubemigrate.api.RunOutcome;
import dev.kubemigrate.api.RunRecord;
import dev.kubemigrate.api.RunRequest;
import dev.kubemigrate.engine.Kubemigrate;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The migrations this operator is running: each one is a call of the same engine ({@link
 * Kubemigrate#run}) that {@code kubemigrate run} uses, on a bounded pool of threads, so a reconcile
 * never blocks on a migration. When a run changes or ends, {@code changed} asks for the Migration
 * to be reconciled.
 */
final class Runs implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Runs.class);

  /** How a run this operator started last ended without a result in the record. */
  /**
   * @param spec the spec of the run that broke: a terminal error holds only while the Migration
   *     asks for that same spec
   */
  record RunError(
      ExitCode exitCode,
      Reason reason,
      String message,
      Instant at,
      MigrationSpec spec,
      Instant since) {

    RunError(ExitCode exitCode, Reason reason, String message, Instant at, MigrationSpec spec) {
      this(exitCode, reason, message, at, spec, at);
    }

    /**
     * A usage error or a conflict does not get better by trying again; an API error may. A
     * pre-flight refusal is tried again (GitOps tools often apply the Secret a moment later) until
     * it has lasted the spec's startup grace.
     */
    boolean terminal() {
      if (reason == Reason.PREFLIGHT_FAILED) {
        return !at.isBefore(since.plus(spec.startupGrace()));
      }
      // A refusal by the rollback guard is tried again: a down migration may lower the floor.
      return exitCode == ExitCode.USAGE || exitCode == ExitCode.CONFLICT;
    }

    /** This error, kept since the first one of the same reason for the same spec. */
    RunError after(RunError previous) {
      return previous != null && previous.reason() == reason && previous.spec().equals(spec)
          ? new RunError(exitCode, reason, message, at, spec, previous.since())
          : this;
    }
  }

  private final KubernetesClient client;
  private final Clock clock;
  private final Consumer<ResourceID> changed;
  private final OperatorMetrics metrics;
  private final ExecutorService pool;
  private final Map<ResourceID, Kubemigrate.Call> active = new ConcurrentHashMap<>();
  private final Map<ResourceID, RunError> errors = new ConcurrentHashMap<>();
  private final Map<ResourceID, RunRecord> results = new ConcurrentHashMap<>();

  /** What a post phase's run waits for now (its rollout, with counts), for the status. */
  private final Map<ResourceID, String> waiting = new ConcurrentHashMap<>();

  private final AtomicInteger running = new AtomicInteger();

  /** Namespaces whose Jobs and pods the runs share watches of (empty: all); null: per run. */
  private final List<String> sharedNamespaces;

  private Kubemigrate engine;

  /** The reconciler's cache of records, once its event sources are prepared. */
  private final Supplier<RecordCache> records;

  Runs(
      KubernetesClient client,
      Clock clock,
      int maxConcurrent,
      OperatorMetrics metrics,
      Consumer<ResourceID> changed,
      List<String> sharedNamespaces,
      Supplier<RecordCache> records) {
    this.sharedNamespaces = sharedNamespaces;
    this.records = records;
    this.client = client;
    this.clock = clock;
    this.metrics = metrics;
    this.changed = changed;
    AtomicInteger threads = new AtomicInteger();
    this.pool =
        Executors.newFixedThreadPool(
            maxConcurrent,
            r -> {
              Thread t = new Thread(r, "migration-" + threads.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    metrics.gauges(this::runningCount, this::queuedCount);
  }

  boolean isActive(ResourceID id) {
    return active.containsKey(id);
  }

  /** The record as the last run of this operator for the Migration left it. */
  Optional<RunRecord> lastResult(ResourceID id) {
    return Optional.ofNullable(results.get(id));
  }

  /** What the active run waits for before it claims (a post phase's rollout), if anything. */
  Optional<String> waitingFor(ResourceID id) {
    return Optional.ofNullable(waiting.get(id));
  }

  Optional<RunError> lastError(ResourceID id) {
    return Optional.ofNullable(errors.get(id));
  }

  /** Starts the run unless one is already active for this Migration; false if one was. */
  boolean submit(ResourceID id, RunRequest request) {
    Kubemigrate.Call engine = engine().run(request, listener(id));
    if (active.putIfAbsent(id, engine) != null) {
      return false;
    }
    // A pre-flight refusal is kept: how long it has lasted decides when the Migration stalls.
    errors.computeIfPresent(id, (key, e) -> e.reason() == Reason.PREFLIGHT_FAILED ? e : null);
    pool.execute(() -> drive(id, engine, request));
    return true;
  }

  /** The engine, with its shared watches started on the first run (once this replica leads). */
  private synchronized Kubemigrate engine() {
    if (engine == null) {
      engine =
          sharedNamespaces == null
              ? new Kubemigrate(client, clock)
              : Kubemigrate.sharingWatches(client, clock, sharedNamespaces, records.get());
    }
    return engine;
  }

  /** How logs name a Migration: namespace/name. */
  static String name(ResourceID id) {
    return id.getNamespace().map(ns -> ns + "/").orElse("") + id.getName();
  }

  private void drive(ResourceID id, Kubemigrate.Call engine, RunRequest request) {
    running.incrementAndGet();
    try {
      RunOutcome outcome = engine.get();
      LOG.info("{}: {} (exit {})", name(id), outcome.summary(), outcome.exitCode().code());
      metrics.outcome(outcome);
      if (outcome.record() != null) {
        results.put(id, outcome.record());
        errors.remove(id);
      }
      if (outcome.record() == null && outcome.exitCode() != ExitCode.INTERRUPTED) {
        RunError error =
            new RunError(
                outcome.exitCode(),
                outcome.reason(),
                outcome.summary(),
                clock.instant(),
                request.spec());
        errors.compute(id, (key, previous) -> error.after(previous));
      }
    } catch (KubemigrateException e) {
      LOG.warn("{}: {} (exit {})", name(id), e.getMessage(), e.exitCode().code());
      metrics.error(e.exitCode());
      errors.put(
          id,
          new RunError(e.exitCode(), e.reason(), e.getMessage(), clock.instant(), request.spec()));
    } catch (RuntimeException e) {
      LOG.error("{}: the run broke", name(id), e);
      metrics.error(ExitCode.KUBERNETES_API);
      errors.put(
          id,
          new RunError(
              ExitCode.KUBERNETES_API,
              Reason.KUBERNETES_API_ERROR,
              String.valueOf(e.getMessage()),
              clock.instant(),
              request.spec()));
    } finally {
      running.decrementAndGet();
      waiting.remove(id);
      active.remove(id);
      changed.accept(id);
    }
  }

  private RunListener listener(ResourceID id) {
    return new RunListener() {
      @Override
      public void progress(String message) {
        // No reconcile per progress line: the run's record changes trigger them (an informer).
        // A post phase waiting for its rollout has no record yet: what it waits for is shown.
        LOG.info("{}: {}", name(id), message);
        if (message.startsWith("waiting for ") && !message.equals(waiting.put(id, message))) {
          changed.accept(id);
        }
      }

      @Override
      public void logLine(String pod, String line) {
        LOG.debug("{} {}: {}", name(id), pod, line);
      }
    };
  }

  int runningCount() {
    return running.get();
  }

  int queuedCount() {
    return Math.max(0, active.size() - running.get());
  }

  /**
   * Stops waiting for every run, as Ctrl-C does for {@code run}: the Jobs go on, and whichever
   * operator reconciles next attaches to them.
   */
  @Override
  public void close() {
    active.values().forEach(Kubemigrate.Call::interrupt);
    pool.shutdownNow();
    try {
      pool.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    synchronized (this) {
      if (engine != null) {
        engine.close();
      }
    }
  }
}
