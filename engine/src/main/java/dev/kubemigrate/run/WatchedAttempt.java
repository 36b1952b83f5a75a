package dev.kubemigrate.run;

import dev.kubemigrate.api.KubemigrateException;
import dev.kubemigrate.api.RunListener;
import dev.kubemigrate.api.RunRecord;
import dev.kubemigrate.job.JobFactory;
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
 * <p>The one start of an attempt's Job that may not retry (see {@link JobFactory}): once a pod of
 * the Job started the migration, its name goes into the run's record, which removes the record's
 * start-once key, so that no pod started in its place can start. Which pod started is what the
 * {@link Classifier} needs to tell such a replacement from the first pod.
 */
final class WatchedAttempt {

  private final RecordStore store;
  private final RunRecord mine;
  private final Consumer<StoredRecord> written;
  private final RunListener listener;
  private StoredRecord last;
  private String startedPod;

  /**
   * @param current the run's record as last read or written
   * @param written told of the record this writes, so that the result's update starts from it
   */
  WatchedAttempt(
      RecordStore store,
      StoredRecord current,
      Consumer<StoredRecord> written,
      RunListener listener) {
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
   * Records the oldest pod of {@code job} whose migration container started, if none is recorded
   * yet. An API error leaves it for the next look: the run goes on.
   */
  void recordStart(Job job, List<Pod> pods) {
    if (startedPod != null || !JobFactory.startsOnce(job)) {
      return;
    }
    Optional<String> first =
        pods.stream()
            .filter(LogFollower::started)
            .min(Comparator.comparing(p -> p.getMetadata().getCreationTimestamp()))
            .map(p -> p.getMetadata().getName());
    if (first.isEmpty()) {
      // A pod that has not started, where no start is recorded as this caller knows the record: it
      // may be the replacement of a pod that another caller saw start, and which is gone now.
      if (!pods.isEmpty() && System.nanoTime() - lastRefresh > REFRESH_NANOS) {
        lastRefresh = System.nanoTime();
        StoredRecord now = reread();
        startedPod = now == null ? null : now.record().startedPod();
      }
      return;
    }
    try {
      for (int i = 0; i < 5; i++) {
        StoredRecord current = i == 0 && last != null ? last : reread();
        if (current == null || !current.record().state().isActive()) {
          return; // the run was settled or retried meanwhile: nothing more to give
        }
        if (current.record().startedPod() != null) {
          startedPod = current.record().startedPod();
          return;
        }
        Optional<StoredRecord> updated =
            store.update(current, current.record().withStartedPod(first.get()));
        if (updated.isPresent()) {
          startedPod = first.get();
          last = updated.get();
          written.accept(last);
          return;
        }
      }
    } catch (KubemigrateException e) {
      listener.progress("could not record the pod that started: " + e.getMessage());
    }
  }
}
