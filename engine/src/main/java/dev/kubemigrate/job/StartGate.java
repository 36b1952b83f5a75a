package dev.kubemigrate.job;

import dev.kubemigrate.api.RunListener;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.BooleanSupplier;

/**
 * The start gate of a Job that may start one pod (see {@link JobFactory}), inside that pod: an init
 * container {@value #CONTAINER} of kubemigrate's own image waits until the pod carries the
 * annotation {@value #ANNOTATION}, which a caller (a `run`, the operator) sets on one pod of the
 * attempt only, after it has recorded that pod in the run's record with a compare-and-set. The pod
 * reads its own annotation through a downward API volume, so it needs no permission of its own. A
 * pod that Kubernetes started in place of a deleted one is never let through: the migration cannot
 * run twice, however early the first pod was deleted and whether or not a caller watched then.
 */
public final class StartGate {

  /** The init container that waits for the grant. */
  public static final String CONTAINER = "start-once";

  /** The pod annotation that lets the pod start the migration; its value is the attempt. */
  public static final String ANNOTATION = "kubemigrate.dev/start-granted";

  /** The downward API volume through which the pod reads {@link #ANNOTATION}. */
  static final String VOLUME = "kubemigrate-start-gate";

  /** Where {@link #CONTAINER} mounts {@link #VOLUME}. */
  static final String MOUNT_PATH = "/var/run/kubemigrate.dev/gate";

  /** The file of {@link #VOLUME} that holds the annotation's value (empty while there is none). */
  static final String FILE = "granted";

  /** The file the init container reads, as its argument names it. */
  public static final String GRANT_FILE = MOUNT_PATH + "/" + FILE;

  private static final Duration POLL = Duration.ofMillis(100);
  private static final Duration SAY_EVERY = Duration.ofSeconds(30);

  private StartGate() {}

  /** How the wait ended. */
  public enum Result {
    GRANTED,
    STOPPED
  }

  /**
   * Waits until {@code grantFile} holds a value: the kubelet writes the pod's annotation there,
   * again whenever the pod changes. No time limit of its own: the Job's deadline bounds it.
   */
  public static Result await(
      Path grantFile, Clock clock, RunListener listener, BooleanSupplier stop) {
    Instant start = clock.instant();
    Instant sayAt = start;
    while (!stop.getAsBoolean()) {
      String value = read(grantFile);
      if (!value.isEmpty()) {
        if (clock.instant().isAfter(start.plus(POLL))) {
          listener.progress("kubemigrate let this pod start the migration (" + value + ")");
        }
        return Result.GRANTED;
      }
      if (!clock.instant().isBefore(sayAt)) {
        listener.progress(
            "waiting for kubemigrate to let this pod start the migration: the run's record names"
                + " the one pod of this attempt that may (annotation "
                + ANNOTATION
                + ")");
        sayAt = clock.instant().plus(SAY_EVERY);
      }
      try {
        Thread.sleep(POLL.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return Result.STOPPED;
      }
    }
    return Result.STOPPED;
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8).trim();
    } catch (NoSuchFileException e) {
      return "";
    } catch (IOException e) {
      return ""; // the kubelet swaps the volume's files atomically; the next read sees them
    }
  }
}
