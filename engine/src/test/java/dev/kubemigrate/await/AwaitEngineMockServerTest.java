package dev.kubemigrate.await;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import dev.kubemigrate.api.ExitCode;
import dev.kubemigrate.api.KubemigrateException;
import dev.kubemigrate.api.Phase;
import dev.kubemigrate.api.Reason;
import dev.kubemigrate.api.RunListener;
import dev.kubemigrate.api.RunOutcome;
import dev.kubemigrate.api.RunRecord;
import dev.kubemigrate.api.RunState;
import dev.kubemigrate.record.RecordCodec;
import dev.kubemigrate.record.RecordStore;
import dev.kubemigrate.record.StoredRecord;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * `await` against fabric8's CRUD mock API server: it watches the record's ConfigMap through an
 * informer (list, then watch), and the test plays the run that writes the record.
 */
@EnableKubernetesMockClient(crud = true)
class AwaitEngineMockServerTest {

  private static final String NS = "test";

  KubernetesClient client;
  KubernetesMockServer server;

  private final List<String> progress = Collections.synchronizedList(new ArrayList<>());

  @BeforeEach
  void namespaceExists() {
    client
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
        .create();
  }

  @Test
  @DisplayName(
      "A namespace that does not exist ends the await at once: NamespaceNotFound, exit 7, not a"
          + " wait for the whole timeout")
  void missingNamespaceEndsAtOnce() {
    for (String missing : List.of("no-such-ns", "staging", "shop-prod")) {
      // Given a namespace the API server does not know
      long start = System.nanoTime();
      // When
      Throwable thrown =
          catchThrowable(
              () -> engine().await(missing, "shop", Phase.PRE, "1.0", Duration.ofMinutes(5)));
      // Then
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
      assertThat(thrown)
          .isInstanceOf(KubemigrateException.class)
          .hasMessageStartingWith("namespace " + missing + " does not exist");
      assertThat(((KubemigrateException) thrown).reason()).isEqualTo(Reason.NAMESPACE_NOT_FOUND);
      assertThat(((KubemigrateException) thrown).exitCode().code()).isEqualTo(7);
    }
  }

  @Test
  @DisplayName("A version that already succeeded is awaited at once with exit 0")
  void alreadySucceeded() {
    // Given
    StoredRecord running = records().create(running()).orElseThrow();
    records().update(running, succeeded(running.record())).orElseThrow();
    long start = System.nanoTime();
    // When
    RunOutcome outcome = engine().await(NS, "shop", Phase.PRE, "1.0", Duration.ofMinutes(5));
    // Then
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    assertThat(outcome.exitCode()).isEqualTo(ExitCode.SUCCEEDED);
    assertThat(outcome.how()).isEqualTo(RunOutcome.How.AWAITED);
    assertThat(outcome.reason()).isEqualTo(Reason.COMPLETED);
    assertThat(outcome.summary()).contains("migration of shop 1.0 (pre) succeeded");
    assertThat(outcome.record().state()).isEqualTo(RunState.SUCCEEDED);
  }

  @Test
  @DisplayName("A version that failed to start ends the await with its reason's exit code, 3")
  void alreadyFailedWithItsReason() {
    // Given
    StoredRecord running = records().create(running()).orElseThrow();
    records()
        .update(
            running,
            running
                .record()
                .finished(
                    RunState.FAILED,
                    Instant.now(),
                    Reason.CREATE_CONTAINER_CONFIG_ERROR,
                    "secret \"db\" not found",
                    null,
                    null))
        .orElseThrow();
    // When
    RunOutcome outcome = engine().await(NS, "shop", Phase.PRE, "1.0", Duration.ofMinutes(5));
    // Then
    assertThat(outcome.exitCode()).isEqualTo(ExitCode.COULD_NOT_START);
    assertThat(outcome.how()).isEqualTo(RunOutcome.How.AWAITED);
    assertThat(outcome.reason()).isEqualTo(Reason.CREATE_CONTAINER_CONFIG_ERROR);
    assertThat(outcome.summary())
        .contains("failed")
        .contains("CreateContainerConfigError")
        .contains("secret \"db\" not found");
  }

  @Test
  @DisplayName(
      "A record already final (succeeded, failed to start, failed) is decided from plain reads: no"
          + " list, no watch, and the floor read once")
  void finalRecordIsDecidedWithoutAWatch() throws Exception {
    List<RunState> states = List.of(RunState.SUCCEEDED, RunState.FAILED, RunState.FAILED);
    List<Reason> reasons =
        List.of(Reason.COMPLETED, Reason.CREATE_CONTAINER_CONFIG_ERROR, Reason.ERROR);
    for (int i = 0; i < states.size(); i++) {
      // Given a final record of version 2.i
      String version = "2." + i;
      StoredRecord running = records().create(running(version)).orElseThrow();
      RunRecord r = running.record();
      records()
          .update(
              running,
              r.finished(states.get(i), Instant.now(), reasons.get(i), "its message", null, null))
          .orElseThrow();
      List<String> before = requests();
      // When
      RunOutcome outcome = engine().await(NS, "shop", Phase.PRE, version, Duration.ofMinutes(5));
      // Then
      assertThat(outcome.record().state()).as(version).isEqualTo(states.get(i));
      assertThat(outcome.reason()).as(version).isEqualTo(reasons.get(i));
      List<String> made = requests();
      assertThat(before).as("drained before %s", version).isNotEmpty();
      assertThat(made)
          .as(version)
          .noneMatch(path -> path.contains("watch=true"))
          .noneMatch(path -> path.contains("fieldSelector"))
          .anyMatch(
              path -> path.endsWith("/configmaps/" + RecordCodec.name("shop", Phase.PRE, version)))
          .hasSize(2); // the floor and the record
    }
  }

  /** The paths of the requests the mock server received since the last call. */
  private List<String> requests() throws InterruptedException {
    List<String> paths = new ArrayList<>();
    RecordedRequest request;
    while ((request = server.takeRequest(10, TimeUnit.MILLISECONDS)) != null) {
      paths.add(request.getPath());
    }
    return paths;
  }

  @Test
  @DisplayName("A record that appears later is followed from absent to running to succeeded")
  void recordAppearsLater() throws Exception {
    // Given an await of a version nobody started yet
    CompletableFuture<RunOutcome> waiting = start(Duration.ofSeconds(60));
    awaitProgress("has not started yet");
    // When a run claims it, then succeeds
    StoredRecord running = records().create(running()).orElseThrow();
    awaitProgress("running since");
    assertThat(waiting).isNotDone();
    records().update(running, succeeded(running.record())).orElseThrow();
    // Then
    RunOutcome outcome = waiting.get(10, TimeUnit.SECONDS);
    assertThat(outcome.exitCode()).isEqualTo(ExitCode.SUCCEEDED);
    assertThat(outcome.how()).isEqualTo(RunOutcome.How.AWAITED);
    assertThat(progress).hasSize(3);
    assertThat(progress.get(0)).contains("has not started yet").contains(NS + "/");
    assertThat(progress.get(1))
        .contains("running since")
        .contains("shop-pre-job")
        .contains("started by ci");
    assertThat(progress.get(2)).contains("has succeeded");
  }

  @Test
  @DisplayName("A version never started times out with exit 4, NotMigrated, in about its timeout")
  void neverStartedTimesOut() {
    // Given no record
    long start = System.nanoTime();
    // When
    RunOutcome outcome = engine().await(NS, "shop", Phase.PRE, "1.0", Duration.ofSeconds(2));
    // Then
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertThat(took).isBetween(Duration.ofSeconds(2), Duration.ofSeconds(6));
    assertThat(outcome.exitCode()).isEqualTo(ExitCode.TIMED_OUT);
    assertThat(outcome.reason()).isEqualTo(Reason.NOT_MIGRATED);
    assertThat(outcome.record()).isNull();
    assertThat(outcome.summary()).contains("within 2s").contains("it was never started");
  }

  @Test
  @DisplayName("A version still running at the timeout exits 4 and says it is still running")
  void stillRunningTimesOut() {
    // Given
    records().create(running()).orElseThrow();
    // When
    RunOutcome outcome = engine().await(NS, "shop", Phase.PRE, "1.0", Duration.ofSeconds(2));
    // Then
    assertThat(outcome.exitCode()).isEqualTo(ExitCode.TIMED_OUT);
    assertThat(outcome.reason()).isEqualTo(Reason.NOT_MIGRATED);
    assertThat(outcome.record().state()).isEqualTo(RunState.RUNNING);
    assertThat(outcome.summary()).contains("it is still running");
  }

  @Test
  @DisplayName("Another version's finished record does not end the await of this version")
  void otherVersionIsNotThisOne() {
    // Given 0.9 succeeded, 1.0 was never started
    RunRecord older =
        RunRecord.claim(
                "shop",
                Phase.PRE,
                "0.9",
                RunState.PENDING,
                "registry.example/shop-migrate:0.9",
                "h",
                "shop-pre-job-09",
                Instant.now(),
                "ci")
            .withJobUid("uid-0");
    StoredRecord stored = records().create(older).orElseThrow();
    records().update(stored, succeeded(older)).orElseThrow();
    // When
    RunOutcome outcome = engine().await(NS, "shop", Phase.PRE, "1.0", Duration.ofSeconds(2));
    // Then
    assertThat(outcome.exitCode()).isEqualTo(ExitCode.TIMED_OUT);
    assertThat(outcome.summary()).contains("it was never started");
  }

  @Test
  @DisplayName("An await interrupted from another thread returns 130 at once")
  void interruptReturns130() throws Exception {
    // Given an await with a long timeout
    AwaitEngine engine = engine();
    CompletableFuture<RunOutcome> waiting =
        CompletableFuture.supplyAsync(
            () -> engine.await(NS, "shop", Phase.PRE, "1.0", Duration.ofMinutes(10)));
    awaitProgress("has not started yet");
    long start = System.nanoTime();
    // When
    engine.interrupt();
    // Then
    RunOutcome outcome = waiting.get(5, TimeUnit.SECONDS);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
    assertThat(outcome.exitCode()).isEqualTo(ExitCode.INTERRUPTED);
    assertThat(outcome.how()).isEqualTo(RunOutcome.How.INTERRUPTED);
    assertThat(outcome.summary()).contains("interrupted");
  }

  private CompletableFuture<RunOutcome> start(Duration timeout) {
    AwaitEngine engine = engine();
    return CompletableFuture.supplyAsync(() -> engine.await(NS, "shop", Phase.PRE, "1.0", timeout));
  }

  private void awaitProgress(String text) {
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> progress.stream().anyMatch(m -> m.contains(text)));
  }

  private AwaitEngine engine() {
    return new AwaitEngine(
        client,
        Clock.systemUTC(),
        new RunListener() {
          @Override
          public void progress(String message) {
            progress.add(message);
          }

          @Override
          public void logLine(String pod, String line) {}
        });
  }

  private RecordStore records() {
    return new RecordStore(client, NS);
  }

  private static RunRecord running() {
    return running("1.0");
  }

  private static RunRecord running(String version) {
    return RunRecord.claim(
            "shop",
            Phase.PRE,
            version,
            RunState.PENDING,
            "registry.example/shop-migrate:1.0",
            "h",
            "shop-pre-job",
            Instant.now(),
            "ci")
        .withJobUid("uid-1");
  }

  private static RunRecord succeeded(RunRecord r) {
    return r.finished(RunState.SUCCEEDED, Instant.now(), Reason.COMPLETED, "ok", 0, "applied");
  }
}
