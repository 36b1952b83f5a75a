package dev.kubemigrate.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubemigrate.api.RunListener;
import dev.kubemigrate.record.LogTail;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * How many times the log of a container that ended before its stream was opened is read, on
 * fabric8's mock API server: a log that comes back empty is read again (containerd may still be
 * writing it), once; a patient follower (the operator) reads it once, when it is settled.
 */
@EnableKubernetesMockClient
class LogFollowerMockServerTest {

  private static final String LOG_PATH =
      "/api/v1/namespaces/test/pods/p1/log?container=migrate&timestamps=true";

  KubernetesClient client;
  KubernetesMockServer server;

  @ParameterizedTest(name = "patient={0}, log of {1} line(s): {2} read(s)")
  @CsvSource({"false, 0, 2", "false, 1, 1", "true, 0, 1", "true, 1, 1"})
  @DisplayName("An ended container's log: read again when empty, unless patient")
  void readsOfAnEndedContainersLog(boolean patient, int lines, int reads) {
    String body = lines == 0 ? "" : Instant.now().toString() + " migrated\n";
    server.expect().get().withPath(LOG_PATH).andReturn(200, body).always();
    server.expect().get().withPath(LOG_PATH + "&follow=true").andReturn(200, body).always();
    List<String> seen = new CopyOnWriteArrayList<>();
    RunListener listener = collecting(seen);
    Pod ended = endedNow();
    try (LogFollower logs = new LogFollower(client, "test", listener, new LogTail(), patient)) {
      logs.lookUpPodsIn(name -> ended);
      logs.follow(ended);
      logs.awaitDrained(Duration.ofSeconds(10));
      assertThat(logs.completed()).containsExactly("p1");
    }
    List<String> paths = new java.util.ArrayList<>();
    for (int i = server.getRequestCount(); i > 0; i--) {
      try {
        paths.add(server.takeRequest(1, java.util.concurrent.TimeUnit.SECONDS).getPath());
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
    }
    assertThat(seen).hasSize(lines);
    assertThat(paths).hasSize(reads);
  }

  @org.junit.jupiter.api.Test
  @DisplayName(
      "An empty log is read again SETTLE_AFTER_SEEN after the container was seen ended, not a second"
          + " after its whole-second finishedAt, and the late line is delivered")
  void emptyLogIsReadAgainSoonAfterTheEndWasSeen() {
    String late = Instant.now().toString() + " written late\n";
    server.expect().get().withPath(LOG_PATH + "&follow=true").andReturn(200, "").once();
    server.expect().get().withPath(LOG_PATH).andReturn(200, late).once();
    List<String> seen = new CopyOnWriteArrayList<>();
    RunListener listener = collecting(seen);
    Pod ended = endedNow();
    long start = System.nanoTime();
    try (LogFollower logs = new LogFollower(client, "test", listener, new LogTail())) {
      logs.lookUpPodsIn(name -> ended);
      logs.follow(ended);
      logs.awaitDrained(Duration.ofSeconds(10));
      assertThat(logs.completed()).containsExactly("p1");
    }
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertThat(seen).containsExactly("written late");
    // The rule before waited until a second past finishedAt (whole seconds): 1 s here.
    assertThat(took)
        .isGreaterThanOrEqualTo(LogFollower.SETTLE_AFTER_SEEN.minusMillis(20))
        .isLessThan(Duration.ofMillis(900));
  }

  /** A listener that keeps the log lines it is given in {@code seen}. */
  private static RunListener collecting(List<String> seen) {
    return new RunListener() {
      @Override
      public void progress(String message) {}

      @Override
      public void logLine(String pod, String line) {
        seen.add(line);
      }
    };
  }

  private static Pod endedNow() {
    return TestPods.terminated(
            "p1", 0, null, Instant.now().truncatedTo(ChronoUnit.SECONDS).toString())
        .editMetadata()
        .withNamespace("test")
        .withResourceVersion("1")
        .endMetadata()
        .build();
  }
}
