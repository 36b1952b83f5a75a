package dev.kubemigrate.lock;

import dev.kubemigrate.await.AwaitEngine;
import dev.kubemigrate.job.Phase;
import dev.kubemigrate.record.RecordStore;
import dev.kubemigrate.record.RunRecord;
import dev.kubemigrate.record.RunState;
import dev.kubemigrate.record.StoredRecord;
import dev.kubemigrate.run.RunListener;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * What the holder of an app's lock does about the app's other runs that are still active, before it
 * starts its own: a run done in a pod by `exec` whose holder lost the lock died half way, and is
 * recorded as interrupted (never silently run again); a run of a Job (`run`) may still be going,
 * and is waited for.
 */
public final class OtherRuns {

  /** The record of an `exec` run names the pod that runs it, not a Job. */
  public static final String POD_PREFIX = "pod/";

  private OtherRuns() {}

  public static void settle(
      RecordStore store,
      KubernetesClient client,
      String app,
      Phase phase,
      String version,
      Clock clock,
      RunListener listener,
      Duration waitLimit) {
    for (RunRecord other : store.list(app)) {
      boolean mine = other.phase() == phase && other.version().equals(version);
      if (mine || !other.state().isActive()) {
        continue;
      }
      boolean inPod = other.jobName() != null && other.jobName().startsWith(POD_PREFIX);
      if (inPod) {
        // We hold the lock its runner would hold: that runner is gone, maybe half way through.
        markInterrupted(store, other, clock);
        listener.progress(
            "the run of version "
                + other.version()
                + " in "
                + other.jobName()
                + " ended without a result (its holder lost the lock): recorded as interrupted");
      } else if (other.jobUid() == null) {
        // Its runner claimed it and went away before creating the Job: nothing ran.
        markAbandoned(store, other, clock);
        listener.progress(
            "the run of version "
                + other.version()
                + " was claimed but never started (its runner is gone): recorded as abandoned");
      } else {
        listener.progress(
            "version "
                + other.version()
                + " is still migrating (Job "
                + other.jobName()
                + "): waiting for it first");
        new AwaitEngine(client, clock, listener)
            .await(store.namespace(), app, other.phase(), other.version(), waitLimit);
      }
    }
  }

  /** Records a run claimed by a runner that vanished before starting it as failed, Abandoned. */
  static boolean markAbandoned(RecordStore store, RunRecord r, Clock clock) {
    return markFailed(
        store,
        r,
        clock,
        "Abandoned",
        "its runner stopped after claiming the run and before creating the Job: nothing ran; run"
            + " again with --retry");
  }

  /** Records a run whose holder vanished half way as failed, Interrupted; true if this call did. */
  public static boolean markInterrupted(RecordStore store, RunRecord r, Clock clock) {
    return markFailed(
        store,
        r,
        clock,
        "Interrupted",
        "the run in "
            + r.jobName()
            + " stopped before it recorded a result (its pod died or lost the lock); the"
            + " migration may be half applied: check the database before retrying");
  }

  private static boolean markFailed(
      RecordStore store, RunRecord r, Clock clock, String reason, String message) {
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
