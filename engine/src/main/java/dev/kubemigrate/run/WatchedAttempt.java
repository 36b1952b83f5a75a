package dev.kubemigrate.run;

import dev.kubemigrate.api.KubemigrateException;
import dev.kubemigrate.api.RunListener;
import dev.kubemigrate.api.RunRecord;
import dev.kubemigrate.job.JobFactory;
import dev.kubemigrate.job.StartGate;
import dev.kubemigrate.record.RecordStore;
import dev.kubemigrate.record.StoredRecord;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The attempt a watch follows, as its record says: the uid of its Job, and the pod that started it.
 *
 * <p>The one start of an attempt's Job that may not retry (see {@link JobFactory}):
 *
 * <ul>
 *   <li>A Job with a {@link StartGate}: the oldest of its pods that is not being deleted goes into
 *       the run's record (a compare-and-set: one pod per attempt, whoever writes first), and only
 *       then does that pod get the annotation that lets it start. A pod deleted before that is
 *       simply not chosen; one started in place of the chosen pod never gets it.
 *   <li>A Job with the start-once key: once a pod of the Job started the migration, its name goes
 *       into the run's record, which removes the record's key, so that no pod started in its place
 *       can start.
 * </ul>
 *
 * Which pod that is, is what the {@link Classifier} needs to tell such a replacement from it.
 */
final class WatchedAttempt {

  private final RecordStore store;
  private final RunRecord mine;
  private final Consumer<StoredRecord> written;
  private final RunListener listener;
  private final Grant grant;
  private StoredRecord last;
  private String startedPod;
  private boolean granted;

  /** Sets {@link StartGate#ANNOTATION} on a pod of the attempt. */
  @FunctionalInterface
  interface Grant {
    void grant(String pod, int attempt);
  }

  /**
   * @param current the run's record as last read or written
   * @param written told of the record this writes, so that the result's update starts from it
   */
  WatchedAttempt(
      RecordStore store,
      StoredRecord current,
      Consumer<StoredRecord> written,
      RunListener listener,
      Grant grant) {
    this.grant = grant;
    this.store = store;
    this.last = current;
    this.mine = current.record();
    this.written = written;
    this.listener = listener;
    this.startedPod = mine.startedPod();
  }

  /** How often a caller that knows of no started pod reads the record again, at most. */
  private static final long REFRESH_NANOS = 3_000_000_000L;

  private long lastRefresh = System.nanoTime();

  /**
   * The run's record as stored now, if it is still this attempt's (then it is also the last seen);
   * else, or on an API error, null.
   */
  private StoredRecord reread() {
    try {
      StoredRecord now = store.read(mine.app(), mine.phase(), mine.version()).orElse(null);
      if (now != null && now.record().attempt() == mine.attempt()) {
        last = now;
        return now;
      }
    } catch (KubemigrateException e) {
      listener.progress("could not read the run's record: " + e.getMessage());
    }
    return null;
  }

  /**
   * The uid of the attempt's Job, once created; when the record as last seen has none, it is read
   * again (one request): a caller that attached may not have seen the Job's creation.
   */
  String jobUid() {
    if (last != null && last.record().jobUid() != null) {
      return last.record().jobUid();
    }
    StoredRecord now = reread();
    return now == null ? null : now.record().jobUid();
  }

  /** The pod that started the migration, as recorded; null while none did. */
  String startedPod() {
    return startedPod;
  }

  /**
   * In a Job with a {@link StartGate}, lets one pod start; in one with the start-once key, records
   * the oldest pod whose migration container started, if none is recorded yet. An API error leaves
   * it for the next look: the run goes on.
   */
  void recordStart(Job job, List<Pod> pods) {
    if (JobFactory.gated(job)) {
      letOneStart(pods);
      return;
    }
    if (startedPod != null || !JobFactory.startsOnce(job)) {
      return;
    }
    Optional<String> first =
        pods.stream()
            .filter(LogFollower::started)
            .min(Comparator.comparing(p -> p.getMetadata().getCreationTimestamp()))
            .map(p -> p.getMetadata().getName());
    if (first.isEmpty()) {
      refreshWhileWaiting(pods);
      return;
    }
    choose(first.get());
  }

  /**
   * A Job with a {@link StartGate}: records the pod that may start (the oldest one not being
   * deleted), unless one is recorded, then lets that one through. An API error leaves it for the
   * next look.
   */
  private void letOneStart(List<Pod> pods) {
    if (startedPod == null) {
      Optional<String> first =
          pods.stream()
              .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
              .min(
                  Comparator.comparing((Pod p) -> p.getMetadata().getCreationTimestamp())
                      .thenComparing(p -> p.getMetadata().getName()))
              .map(p -> p.getMetadata().getName());
      if (first.isEmpty()) {
        return;
      }
      choose(first.get());
    }
    if (startedPod == null || granted) {
      return;
    }
    Optional<Pod> chosen =
        pods.stream().filter(p -> startedPod.equals(p.getMetadata().getName())).findFirst();
    if (chosen.isPresent()
        && chosen.get().getMetadata().getDeletionTimestamp() != null
        && !hasGrant(chosen.get())) {
      // Chosen, but deleted before any caller let it through: as seen here, its deletion came
      // before any grant, and the kubelet starts no container in a pod being deleted, so its
      // migration never ran. Another pod of the attempt may run it (the Classifier waits).
      String deleted = startedPod;
      if (swapStartedPod(deleted, null)) {
        granted = false;
        listener.progress(
            "pod "
                + deleted
                + " was deleted before it started the migration; another may start it");
      }
      return;
    }
    if (chosen.isEmpty() || chosen.get().getMetadata().getDeletionTimestamp() != null) {
      return; // not seen yet, or going: the Classifier tells what became of it
    }
    if (hasGrant(chosen.get())) {
      granted = true;
      return;
    }
    try {
      grant.grant(startedPod, mine.attempt());
      granted = true;
    } catch (KubemigrateException e) {
      listener.progress("could not let pod " + startedPod + " start: " + e.getMessage());
    }
  }

  private static boolean hasGrant(Pod pod) {
    java.util.Map<String, String> annotations = pod.getMetadata().getAnnotations();
    return annotations != null && annotations.containsKey(StartGate.ANNOTATION);
  }

  /**
   * A pod that has not started, where no start is recorded as this caller knows the record: it may
   * be the replacement of a pod that another caller saw start, and which is gone now.
   */
  private void refreshWhileWaiting(List<Pod> pods) {
    if (!pods.isEmpty() && System.nanoTime() - lastRefresh > REFRESH_NANOS) {
      lastRefresh = System.nanoTime();
      StoredRecord now = reread();
      startedPod = now == null ? null : now.record().startedPod();
    }
  }

  /** Records {@code pod} as the attempt's, unless another is recorded: then that one is. */
  private void choose(String pod) {
    swapStartedPod(null, pod);
  }

  /**
   * Sets the record's pod from {@code expected} to {@code next} (a compare-and-set); where the
   * record names another, that one is the attempt's. True when this caller changed it. An API error
   * is said, and leaves it for the next look.
   */
  private boolean swapStartedPod(String expected, String next) {
    try {
      for (int i = 0; i < 5; i++) {
        StoredRecord current = i == 0 && last != null ? last : reread();
        if (current == null || !current.record().state().isActive()) {
          return false; // the run was settled or retried meanwhile: nothing more to give
        }
        if (!java.util.Objects.equals(expected, current.record().startedPod())) {
          startedPod = current.record().startedPod();
          return false;
        }
        Optional<StoredRecord> updated =
            store.update(current, current.record().withStartedPod(next));
        if (updated.isPresent()) {
          startedPod = next;
          last = updated.get();
          written.accept(last);
          return true;
        }
      }
    } catch (KubemigrateException e) {
      listener.progress(
          (next == null
                  ? "could not take pod " + expected + " out of the run's record: "
                  : "could not record the attempt's pod " + next + ": ")
              + e.getMessage());
    }
    return false;
  }
}
