package dev.kubemigrate.await;

import dev.kubemigrate.api.Durations;
import dev.kubemigrate.api.Phase;
import dev.kubemigrate.api.Reason;
import dev.kubemigrate.api.RunListener;
import dev.kubemigrate.api.RunOutcome;
import dev.kubemigrate.api.RunOutcome.How;
import dev.kubemigrate.api.RunRecord;
import dev.kubemigrate.api.RunState;
import dev.kubemigrate.job.RunNames;
import dev.kubemigrate.kube.ChangeSignal;
import dev.kubemigrate.kube.Namespaces;
import dev.kubemigrate.record.FloorStore;
import dev.kubemigrate.record.RecordCodec;
import dev.kubemigrate.record.RecordStore;
import dev.kubemigrate.record.RecordWatch;
import dev.kubemigrate.record.StoredRecord;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The engine behind `kubemigrate await`: blocks until the record of (app, phase, version) says the
 * migration succeeded (exit 0) or failed (exit as `run` would, at once, with the reason and log
 * tail). It reads only the record, never the Job, so it works after the Job's clean-up. A record
 * that is already final is decided from one read; any other is watched ({@link RecordWatch}), not
 * polled.
 */
public final class AwaitEngine {

  private final KubernetesClient client;
  private final Clock clock;
  private final RunListener listener;
  private final ChangeSignal changed = new ChangeSignal();
  private volatile boolean interrupted;

  public AwaitEngine(KubernetesClient client, Clock clock, RunListener listener) {
    this.client = client;
    this.clock = clock;
    this.listener = listener;
  }

  public void interrupt() {
    interrupted = true;
    changed.wake();
  }

  public RunOutcome await(
      String namespace, String app, Phase phase, String version, Duration timeout) {
    String name = RecordCodec.name(app, phase, version);
    String what = RunNames.describe(app, phase, version);
    Instant deadline = clock.instant().plus(timeout);
    FloorStore floors = new FloorStore(client, namespace);
    Optional<RunOutcome> guarded = guard(floors, app, phase, version);
    if (guarded.isPresent()) {
      return guarded.get();
    }
    Optional<RunRecord> last =
        new RecordStore(client, namespace).read(app, phase, version).map(StoredRecord::record);
    boolean waited = last.isEmpty() || last.get().state().isActive();
    if (!waited) {
      // Already final, as for every pod of an app after its first: decided from this one read,
      // without the informer's list, watch connection and threads.
      listener.progress(describe(what, last.get(), namespace + "/" + name));
    } else {
      last = watch(namespace, app, phase, version, deadline, what, name);
    }
    RunRecord r = last.orElse(null);
    if (r != null && r.state() == RunState.SUCCEEDED) {
      // A contract may have run while this waited: asked once more, as the pod is let through.
      guarded = waited ? guard(floors, app, phase, version) : Optional.empty();
      if (guarded.isPresent()) {
        return guarded.get();
      }
      return RunOutcome.of(How.AWAITED, r, what + " succeeded at " + r.finishedAt());
    }
    if (r != null && r.state() == RunState.FAILED) {
      return RunOutcome.of(
          How.AWAITED,
          r,
          what
              + " failed at "
              + r.finishedAt()
              + ": "
              + r.reason()
              + ": "
              + r.message()
              + "; this version cannot start until it is migrated");
    }
    if (interrupted || Thread.currentThread().isInterrupted()) {
      return RunOutcome.cancelled(r, "interrupted while waiting for the " + what);
    }
    return RunOutcome.stopped(
        Reason.NOT_MIGRATED,
        How.AWAITED,
        r,
        what
            + " did not succeed within "
            + Durations.format(timeout)
            + (r == null
                ? ": it was never started"
                : ": it is still " + r.state().display().toLowerCase(java.util.Locale.ROOT)));
  }

  /** Watches the record until it is final, the deadline passes or this is interrupted. */
  private Optional<RunRecord> watch(
      String namespace,
      String app,
      Phase phase,
      String version,
      Instant deadline,
      String what,
      String name) {
    AtomicReference<String> shown = new AtomicReference<>();
    try (RecordWatch watch = RecordWatch.open(client, namespace, app, phase, version, changed)) {
      return watch.awaitUntil(
          r -> r.isPresent() && !r.get().state().isActive(),
          deadline,
          clock,
          () -> interrupted,
          r -> {
            String state = r.map(x -> x.state() + "/" + x.attempt()).orElse("absent");
            String before = shown.getAndSet(state);
            if (before == null && r.isEmpty()) {
              // Nothing to wait for in a namespace that does not exist: say so now.
              Namespaces.requireExists(client, namespace);
            }
            if (!state.equals(before)) {
              listener.progress(describe(what, r.orElse(null), namespace + "/" + name));
            }
          });
    }
  }

  /** The rollback guard's refusal of this version, said on the log too: the pod's log shows it. */
  private Optional<RunOutcome> guard(FloorStore floors, String app, Phase phase, String version) {
    Optional<RunOutcome> refused = floors.refusal(app, phase, version);
    refused.ifPresent(r -> listener.progress("rollback guard: " + r.summary()));
    return refused;
  }

  private static String describe(String what, RunRecord r, String recordRef) {
    if (r == null) {
      return "waiting for the "
          + what
          + ": it has not started yet (no record "
          + recordRef
          + "); run `kubemigrate run`, or apply a Migration, for this version";
    }
    return switch (r.state()) {
      case PENDING, RUNNING ->
          "waiting for the "
              + what
              + ": running since "
              + r.startedAt()
              + " (Job "
              + r.jobName()
              + ", attempt "
              + r.attempt()
              + ", started by "
              + r.startedBy()
              + ")";
      case SUCCEEDED -> "the " + what + " has succeeded";
      case FAILED -> "the " + what + " has failed";
    };
  }
}
