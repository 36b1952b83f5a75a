package dev.kubemigrate.run;

import dev.kubemigrate.api.RunListener;
import dev.kubemigrate.job.JobFactory;
import dev.kubemigrate.record.LogTail;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpResponse;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * Streams the migration container's log of every pod (every attempt) as it comes. When the stream
 * breaks (a dropped connection, an API server restart) it resumes from the last timestamp seen and
 * skips what it already printed, so no line is lost or printed twice.
 */
final class LogFollower implements AutoCloseable {

  /** How long after a container's end its runtime may still be writing its log. */
  private static final Duration SETTLE = Duration.ofSeconds(1);

  /**
   * When an empty log of an ended container is read again, counted from the container's end: once,
   * a second after it. More re-reads (1, 3, 6 s) held a migration that prints nothing 6 s past its
   * verdict (bench-run: Job Complete to exit 6.0 s instead of 0.4 s); the lines containerd writes
   * later still reach stdout from the final tail ({@link RunEngine#unseen}).
   */
  private static final List<Duration> SETTLE_REREADS = List.of(SETTLE);

  /**
   * How long after this follower first saw the container ended (the pod's status, which the kubelet
   * sets once containerd reports the exit) an empty log is read again, at most. The kubelet notices
   * an exit up to a second after it (its relist), so a second counted from the container's end
   * (finishedAt, whole seconds) held most runs about a second past their verdict. Measured on
   * 2026-12-06 under the load of 1,000 Migrations, with the reads of scripts/bench-log-lag (two
   * runs of its prototype, 101 pods in all): of the pods that wrote up to their exit, on stdout and
   * stderr, none had a line missing from a read made the moment its status showed the container
   * terminated.
   */
  static final Duration SETTLE_AFTER_SEEN = Duration.ofMillis(300);

  private final KubernetesClient client;
  private final String namespace;
  private final RunListener listener;
  private final LogTail tail;
  private final Map<String, Thread> followers = new ConcurrentHashMap<>();
  private final Set<String> complete = ConcurrentHashMap.newKeySet();
  private final Map<String, InputStream> streams = new ConcurrentHashMap<>();
  private volatile Function<String, Pod> pods = name -> null;
  private final AtomicLong lines = new AtomicLong();
  private volatile boolean closed;
  private final boolean patient;

  LogFollower(KubernetesClient client, String namespace, RunListener listener, LogTail tail) {
    this(client, namespace, listener, tail, false);
  }

  /**
   * With {@code patient}: a log first opened after its container ended is read once, a second past
   * that end, instead of at once and again when it comes back empty. One request instead of two for
   * a short migration, for up to a second more before its verdict: what a process that drives many
   * runs (the operator) prefers.
   */
  LogFollower(
      KubernetesClient client,
      String namespace,
      RunListener listener,
      LogTail tail,
      boolean patient) {
    this.patient = patient;
    this.client = client;
    this.namespace = namespace;
    this.listener = listener;
    this.tail = tail;
  }

  /**
   * Where the follower looks a pod up when its stream ends: the engine's pod informer, so that
   * deciding whether to resume costs no request. Without it (null from the lookup) it asks the API.
   */
  void lookUpPodsIn(Function<String, Pod> cache) {
    this.pods = cache;
  }

  /** The pods whose whole log has been read: their stream ended and the final read is done. */
  Set<String> completed() {
    return Set.copyOf(complete);
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
    awaitDrained(idle, null);
  }

  /**
   * Waits for every followed log to be read to its end, as {@link #awaitDrained(Duration)}, but
   * never longer than {@code max} in all (null: no bound): once the result is known, a log that
   * keeps its stream open (a container still being killed) may not hold the exit.
   */
  void awaitDrained(Duration idle, Duration max) {
    long seen = lines.get();
    long lastProgress = System.nanoTime();
    long giveUp = max == null ? Long.MAX_VALUE : System.nanoTime() + max.toNanos();
    for (Thread t : followers.values()) {
      while (t.isAlive() && System.nanoTime() - giveUp < 0) {
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
    // A blocked read does not see an interrupt: closing its stream ends it.
    streams.values().forEach(LogFollower::closeQuietly);
  }

  private void followPod(String pod) {
    Position position = new Position();
    int failures = 0;
    int idle = 0;
    boolean catchUp = false;
    int emptyRereads = 0;
    Instant endSeen = null;
    while (!closed) {
      long before = lines.get();
      boolean clean = false;
      // A stream opened once the container had ended is the whole file: its end is the end.
      Pod atOpen = pods.apply(pod);
      boolean endedAtOpen = atOpen != null && ended(atOpen);
      if (endedAtOpen && endSeen == null) {
        endSeen = Instant.now();
      }
      if (patient && endedAtOpen && !catchUp && emptyRereads == 0 && position.since() == null) {
        // Read once, when containerd has written it all, rather than now and maybe again.
        sleepUntilSettled(atOpen, SETTLE);
        emptyRereads = SETTLE_REREADS.size();
      }
      position.resume();
      Instant since = position.since();
      try (InputStream in = openLog(pod, since, !catchUp);
          BufferedReader reader =
              new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
        streams.put(pod, in);
        if (closed) {
          return;
        }
        String raw;
        while ((raw = reader.readLine()) != null) {
          accept(pod, position, raw);
          if (!reader.ready()) {
            listener.flushLogs();
          }
        }
        listener.flushLogs();
        clean = true;
        if (catchUp && (lines.get() > before || emptyRereads >= SETTLE_REREADS.size())) {
          // The container has ended: this plain read returned what the stream did not. A read
          // that is still empty is made again below, until the re-reads are used up.
          complete.add(pod);
          return;
        }
      } catch (IOException | RuntimeException e) {
        if (closed) {
          return;
        }
        failures++;
      } finally {
        streams.remove(pod);
      }
      // The stream ended: the container ended, the pod went, or the connection broke.
      if (clean
          && failures == 0
          && endedAtOpen
          && lines.get() == before
          && emptyRereads < SETTLE_REREADS.size()) {
        // Opened after the container ended, yet empty: containerd 1.6 may not have written the
        // container's output yet (RunIT.failingMigrationExitsOne lost a whole log so, three
        // times). Read it again a second after the container's end; a log that is really empty
        // costs one request.
        catchUp = true;
        sleepUntilSettled(atOpen, SETTLE_REREADS.get(emptyRereads++), endSeen);
        continue;
      }
      if (clean && failures == 0 && endedAtOpen) {
        // Opened after the container ended, and read to its end without an error: the kubelet
        // sent the whole file. A followed stream that ends as the container exits is read once
        // more below, even when the pod already shows the container ended: containerd 1.6 can
        // still be writing the container's last lines then (RunIT.failingMigrationExitsOne saw
        // an empty log when that end was trusted).
        complete.add(pod);
        return;
      }
      idle = lines.get() == before ? idle + 1 : 0;
      Pod current = awaitPodChange(pod, idle);
      if (current == null) {
        return;
      }
      if (ended(current) && !catchUp) {
        catchUp = true;
      } else if (catchUp && failures > 3) {
        return; // the log cannot be read any more (the node may be gone): the tail has what came
      }
    }
  }

  /**
   * The migration container's log with timestamps, as `kubectl logs` asks for it: one request
   * (fabric8's own log call looks the pod up first, a second one).
   */
  private InputStream openLog(String pod, Instant since, boolean follow) throws IOException {
    String base = client.getMasterUrl().toString();
    StringBuilder url =
        new StringBuilder(base.endsWith("/") ? base : base + "/")
            .append("api/v1/namespaces/")
            .append(namespace)
            .append("/pods/")
            .append(pod)
            .append("/log?container=")
            .append(JobFactory.CONTAINER_NAME)
            .append("&timestamps=true");
    if (follow) {
      url.append("&follow=true");
    }
    if (since != null) {
      url.append("&sinceTime=").append(URLEncoder.encode(since.toString(), StandardCharsets.UTF_8));
    }
    HttpClient http = client.getHttpClient();
    try {
      HttpResponse<InputStream> response =
          http.sendAsync(
                  http.newHttpRequestBuilder().uri(url.toString()).build(), InputStream.class)
              .get();
      if (response.code() != 200) {
        String body;
        try (InputStream in = response.body()) {
          body = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        throw new IOException(
            "HTTP " + response.code() + " reading the log of " + pod + ": " + body);
      }
      return response.body();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    } catch (ExecutionException e) {
      throw new IOException(e.getCause());
    }
  }

  private static void closeQuietly(InputStream in) {
    try {
      in.close();
    } catch (IOException e) {
      // closing anyway
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

  /**
   * True for what the kubelet sends in place of a log it cannot find (the container was removed
   * with its pod): Kubernetes 1.20 and containerd 1.6 answer 200 with these lines, which are not
   * the migration's.
   */
  static boolean kubeletError(String text) {
    return text.startsWith("unable to retrieve container logs for ")
        || text.startsWith(
            "rpc error: code = NotFound desc = an error occurred when try to find container \"");
  }

  private void emit(String pod, String text) {
    if (kubeletError(text)) {
      return;
    }
    lines.incrementAndGet();
    tail.add(text);
    listener.logLine(pod, text);
  }

  /**
   * The pod as it is now, once it changed or a back-off passed: a stream that ends at once (the
   * container has just started, or just ended and its status is not in yet) is not re-opened in a
   * tight loop. Reads the informer's cache; asks the API only without one.
   */
  private Pod awaitPodChange(String pod, int idle) {
    long wait = Math.min(2000, 200L << Math.min(4, Math.max(0, idle - 1)));
    Pod first = pods.apply(pod);
    if (first == null) {
      return podOrNull(pod);
    }
    String version = first.getMetadata().getResourceVersion();
    long until = System.nanoTime() + wait * 1_000_000;
    while (!closed && System.nanoTime() < until) {
      Pod now = pods.apply(pod);
      if (now == null
          || !java.util.Objects.equals(now.getMetadata().getResourceVersion(), version)) {
        return now == null ? podOrNull(pod) : now;
      }
      if (ended(now)) {
        return now;
      }
      sleep(50);
    }
    Pod now = pods.apply(pod);
    return now == null ? podOrNull(pod) : now;
  }

  /**
   * Waits until {@code after} the container's end, or {@link #SETTLE_AFTER_SEEN} after this
   * follower saw it ended ({@code endSeen}), whichever comes first: its log is written.
   */
  private void sleepUntilSettled(Pod pod, Duration after, Instant endSeen) {
    long seen = Duration.between(Instant.now(), endSeen.plus(SETTLE_AFTER_SEEN)).toMillis();
    long wait = Math.min(seen, untilSettled(pod, after));
    if (wait > 0) {
      sleep(wait);
    }
  }

  /** Waits until {@code after} the container's end (at most {@code after}): its log is written. */
  private void sleepUntilSettled(Pod pod, Duration after) {
    long wait = untilSettled(pod, after);
    if (wait > 0) {
      sleep(wait);
    }
  }

  /** Milliseconds until {@code after} the container's end, at most {@code after}. */
  private static long untilSettled(Pod pod, Duration after) {
    Instant finished =
        Classifier.terminated(pod)
            .map(t -> t.getFinishedAt() == null ? null : Instant.parse(t.getFinishedAt()))
            .orElse(null);
    // finishedAt has whole seconds: the end may be up to a second later than it says.
    return finished == null
        ? after.toMillis()
        : Math.min(
            after.toMillis(),
            Duration.between(Instant.now(), finished.plus(after).plus(SETTLE)).toMillis());
  }

  private Pod podOrNull(String pod) {
    try {
      return client.pods().inNamespace(namespace).withName(pod).get();
    } catch (RuntimeException e) {
      sleep(1000); // the API is away: do not ask again at once
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

  static boolean ended(Pod pod) {
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
