package dev.kubemigrate.run;

import dev.kubemigrate.api.Decisions;
import dev.kubemigrate.api.Phase;
import dev.kubemigrate.api.Reason;
import dev.kubemigrate.api.RunListener;
import dev.kubemigrate.api.RunRecord;
import dev.kubemigrate.api.RunState;
import dev.kubemigrate.kube.ChangeSignal;
import dev.kubemigrate.record.RecordStore;
import dev.kubemigrate.record.RecordWatch;
import dev.kubemigrate.record.StoredRecord;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * What the holder of an app's lock does about the app's other runs that are still active, before it
 * starts its own, as {@link Decisions#settle} says: a run done in a pod by `exec` whose holder lost
 * the lock died half way, and is recorded as interrupted (never silently run again); a claim that
 * never got its Job is recorded as abandoned; a run of a Job may still be going, and is waited for.
 */
public final class OtherRuns {

  private OtherRuns() {}

  /** Settles the app's other active runs; returns how many records the app has in all. */
  public static int settle(
      RecordStore store,
      KubernetesClient client,
      String app,
      Phase phase,
      String version,
      Clock clock,
      RunListener listener,
      Duration waitLimit) {
    java.util.List<RunRecord> all = store.list(app); // from the API server, never a cache
    for (RunRecord other : all) {
      boolean mine = other.phase() == phase && other.version().equals(version);
      if (mine || !other.state().isActive()) {
        continue;
      }
      switch (Decisions.settle(other)) {
        case RECORD_INTERRUPTED -> {
          markInterrupted(store, other, clock);
          listener.progress(
              "the run of version "
                  + other.version()
                  + " in "
                  + other.jobName()
                  + " ended without a result (its holder lost the lock): recorded as interrupted");
        }
        case RECORD_ABANDONED -> {
          markAbandoned(store, other, clock);
          listener.progress(
              "the run of version "
                  + other.version()
                  + " was claimed but never started (its runner is gone): recorded as abandoned");
        }
        case WAIT -> {
          listener.progress(
              "version "
                  + other.version()
                  + " is still migrating (Job "
                  + other.jobName()
                  + "): waiting for it first");
          try (RecordWatch watch =
              RecordWatch.open(
                  client,
                  store.namespace(),
                  app,
                  other.phase(),
                  other.version(),
                  new ChangeSignal())) {
            watch.awaitUntil(
                r -> r.isEmpty() || !r.get().state().isActive(),
                clock.instant().plus(waitLimit),
                clock,
                () -> false,
                r -> {});
          }
        }
      }
    }
    return all.size();
  }

  /** Records a run claimed by a runner that vanished before starting it as failed, Abandoned. */
  static boolean markAbandoned(RecordStore store, RunRecord r, Clock clock) {
    return markFailed(
        store,
        r,
        clock,
        Reason.ABANDONED,
        "its runner stopped after claiming the run and before creating the Job: nothing ran; run"
            + " again with --retry");
  }

  /** Records a run whose holder vanished half way as failed, Interrupted; true if this call did. */
  public static boolean markInterrupted(RecordStore store, RunRecord r, Clock clock) {
    return markFailed(
        store,
        r,
        clock,
        Reason.INTERRUPTED,
        "the run in "
            + r.jobName()
            + " stopped before it recorded a result (its pod died or lost the lock); the"
            + " migration may be half applied: check the database before retrying");
  }

  private static boolean markFailed(
      RecordStore store, RunRecord r, Clock clock, Reason reason, String message) {
    Optional<StoredRecord> current = store.get(r.app(), r.phase(), r.version());
    if (current.isEmpty() || !current.get().record().state().isActive()) {
      return false;
    }
    RunRecord failed =
        current
            .get()
            .record()
            .finished(
                RunState.FAILED,
                clock.instant(),
                reason,
                message,
                null,
                current.get().record().logTail());
    return store.update(current.get(), failed).isPresent();
  }
}
