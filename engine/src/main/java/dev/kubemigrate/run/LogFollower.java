package dev.kubemigrate.run;

import dev.kubemigrate.api.RunListener;
import dev.kubemigrate.job.JobFactory;
import dev.kubemigrate.record.LogTail;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.LogWatch;
import io.fabric8.kubernetes.client.dsl.TailPrettyLoggable;
import io.fabric8.kubernetes.client.dsl.TimeTailPrettyLoggable;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Streams the migration container's log of every pod (every attempt) as it comes. When the stream
 * breaks (a dropped connection, an API server restart) it resumes from the last timestamp seen and
 * skips what it already printed, so no line is lost or printed twice.
 */
final class LogFollower implements AutoCloseable {

  private final KubernetesClient client;
  private final String namespace;
  private final RunListener listener;
  private final LogTail tail;
  private final Map<String, Thread> followers = new ConcurrentHashMap<>();
  private final AtomicLong lines = new AtomicLong();
  private volatile boolean closed;

  LogFollower(KubernetesClient client, String namespace, RunListener listener, LogTail tail) {
    this.client = client;
    this.namespace = namespace;
    this.listener = listener;
    this.tail = tail;
  }

  /** Starts following the pod's log once its container has started; idempotent. */
  void follow(Pod pod) {
    if (closed || !started(pod)) {
      return;
    }
    String name = pod.getMetadata().getName();
    followers.computeIfAbsent(
        name,
        n -> {
          Thread t = new Thread(() -> followPod(n), "log-" + n);
          t.setDaemon(true);
          t.start();
          return t;
        });
  }

  /**
   * Waits until every followed log has reached its end. A big log may take a while to arrive: it
   * waits as long as lines keep coming, and gives up after {@code idle} without a new line.
   */
  void awaitDrained(Duration idle) {
    long seen = lines.get();
    long lastProgress = System.nanoTime();
    for (Thread t : followers.values()) {
      while (t.isAlive()) {
        try {
          t.join(200);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
        long now = lines.get();
        if (now != seen) {
          seen = now;
          lastProgress = System.nanoTime();
        } else if (System.nanoTime() - lastProgress > idle.toNanos()) {
          return;
        }
      }
    }
  }

  @Override
  public void close() {
    closed = true;
    followers.values().forEach(Thread::interrupt);
  }

  private void followPod(String pod) {
    Position position = new Position();
    int failures = 0;
    boolean catchUp = false;
    while (!closed) {
      position.resume();
      Instant since = position.since();
      TimeTailPrettyLoggable logs =
          client
              .pods()
              .inNamespace(namespace)
              .withName(pod)
              .inContainer(JobFactory.CONTAINER_NAME)
              .withReadyWaitTimeout(0)
              .usingTimestamps();
      TailPrettyLoggable from = since == null ? logs : logs.sinceTime(since.toString());
      try {
        if (catchUp) {
          // The container has ended: one plain read returns what the broken stream did not.
          for (String raw : from.getLog().split("\n")) {
            accept(pod, position, raw);
          }
          listener.flushLogs();
          return;
        }
        try (LogWatch watch = from.watchLog();
            BufferedReader reader =
                new BufferedReader(
                    new InputStreamReader(watch.getOutput(), StandardCharsets.UTF_8))) {
          String raw;
          while ((raw = reader.readLine()) != null) {
            accept(pod, position, raw);
            if (!reader.ready()) {
              listener.flushLogs();
            }
          }
          listener.flushLogs();
        }
      } catch (IOException | RuntimeException e) {
        if (closed) {
          return;
        }
        failures++;
      }
      // The stream ended: the container ended, the pod went, or the connection broke.
      Pod current = podOrNull(pod);
      if (current == null) {
        return;
      }
      if (ended(current) && !catchUp) {
        catchUp = true;
      } else if (catchUp && failures > 3) {
        return; // the log cannot be read any more (the node may be gone): the tail has what came
      } else {
        sleep(Math.min(2000, 200L * Math.max(1, failures)));
      }
    }
  }

  private void accept(String pod, Position position, String raw) {
    if (raw.isEmpty()) {
      return;
    }
    Line line = Line.parse(raw);
    if (position.accept(line.time())) {
      emit(pod, line.text());
    }
  }

  private void emit(String pod, String text) {
    lines.incrementAndGet();
    tail.add(text);
    listener.logLine(pod, text);
  }

  private Pod podOrNull(String pod) {
    try {
      return client.pods().inNamespace(namespace).withName(pod).get();
    } catch (RuntimeException e) {
      return new Pod(); // unknown: keep trying
    }
  }

  /** True once the pod's migration container has run: its log can be read. */
  static boolean started(Pod pod) {
    return Classifier.containerStatuses(pod).stream()
        .anyMatch(
            s ->
                JobFactory.CONTAINER_NAME.equals(s.getName())
                    && s.getState() != null
                    && (s.getState().getRunning() != null || s.getState().getTerminated() != null));
  }

  private static boolean ended(Pod pod) {
    if (pod.getMetadata() == null) {
      return false;
    }
    return Classifier.containerStatuses(pod).stream()
        .anyMatch(
            s ->
                JobFactory.CONTAINER_NAME.equals(s.getName())
                    && s.getState() != null
                    && s.getState().getTerminated() != null);
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** A log line as the kubelet sends it with timestamps: {@code RFC3339NANO SP text}. */
  record Line(Instant time, String text) {
    static Line parse(String raw) {
      int space = raw.indexOf(' ');
      if (space > 0) {
        try {
          return new Line(Instant.parse(raw.substring(0, space)), raw.substring(space + 1));
        } catch (DateTimeParseException e) {
          // not a timestamp: keep the whole line
        }
      }
      return new Line(null, raw);
    }
  }

  /**
   * How far a log has been printed: the last timestamp and how many lines carried it. A resumed
   * stream starts at that second again; lines up to the position are skipped.
   */
  static final class Position {
    private Instant last;
    private int seenAtLast;
    private int toSkip;
    private boolean catchingUp;

    /** Called before each (re)opened stream: a resumed stream repeats up to the position. */
    void resume() {
      toSkip = seenAtLast;
      catchingUp = last != null;
    }

    /** Where to resume from: the last second printed (the API takes whole seconds). */
    Instant since() {
      return last == null ? null : last.truncatedTo(ChronoUnit.SECONDS);
    }

    /**
     * True when a line with this timestamp was not printed yet. Timestamps are compared only while
     * a resumed stream catches up; past that, every line of the stream is new, whatever its time.
     */
    boolean accept(Instant time) {
      if (time == null) {
        return true;
      }
      if (catchingUp) {
        if (time.isBefore(last)) {
          return false;
        }
        if (time.equals(last) && toSkip > 0) {
          toSkip--;
          return false;
        }
        catchingUp = false;
      }
      if (time.equals(last)) {
        seenAtLast++;
      } else {
        last = time;
        seenAtLast = 1;
      }
      return true;
    }
  }
}
