package dev.kubemigrate.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.kubemigrate.api.ExecRequest;
import dev.kubemigrate.api.ExitCode;
import dev.kubemigrate.api.KubemigrateException;
import dev.kubemigrate.api.Phase;
import dev.kubemigrate.api.Reason;
import dev.kubemigrate.api.RunListener;
import dev.kubemigrate.api.RunOutcome;
import dev.kubemigrate.api.RunRecord;
import dev.kubemigrate.api.RunState;
import dev.kubemigrate.lock.AppLock;
import dev.kubemigrate.lock.LockRules;
import dev.kubemigrate.names.Hashing;
import dev.kubemigrate.record.RecordStore;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `exec` against fabric8's CRUD mock API server: the record and the lock are real API objects, the
 * migration is a real local process. Each command appends a line to a file, so that a test can
 * count how often it ran.
 */
@EnableKubernetesMockClient(crud = true)
class ExecEngineMockServerTest {

  private static final String NS = "test";

  KubernetesClient client;

  @TempDir Path dir;

  @Test
  @DisplayName("A first exec runs the command once and records its success with its output")
  void firstExecRunsAndRecordsSuccess() {
    // Given
    List<String> command = appending("echo applied; exit 0");
    List<String> logged = Collections.synchronizedList(new ArrayList<>());
    // When
    RunOutcome outcome = engine(logging(logged)).exec(request("1.0", command, "replica-a"));
    // Then
    assertThat(outcome.how()).isEqualTo(RunOutcome.How.RAN);
    assertThat(outcome.exitCode()).isEqualTo(ExitCode.SUCCEEDED);
    assertThat(outcome.reason()).isEqualTo(Reason.COMPLETED);
    RunRecord stored = record("1.0");
    assertThat(stored.state()).isEqualTo(RunState.SUCCEEDED);
    assertThat(stored.reason()).isEqualTo(Reason.COMPLETED);
    assertThat(stored.exitCode()).isZero();
    assertThat(stored.logTail()).contains("applied");
    assertThat(stored.jobName()).isEqualTo("pod/replica-a");
    assertThat(stored.startedBy()).isEqualTo("test@host");
    assertThat(stored.specHash()).isEqualTo(hash(command));
    assertThat(stored.finishedAt()).isNotNull();
    assertThat(logged).contains("applied");
    assertThat(runs()).isEqualTo(1);
    // and the lock is released
    Lease lease = client.leases().inNamespace(NS).withName(LockRules.leaseName("shop")).get();
    assertThat(lease.getSpec().getHolderIdentity()).isNull();
  }

  @Test
  @DisplayName("A second exec of a migrated version exits 0 without running the command again")
  void secondExecFindsItMigrated() {
    // Given
    List<String> command = appending("echo applied");
    engine().exec(request("1.0", command, "replica-a"));
    // When another replica execs the same version
    RunOutcome again = engine().exec(request("1.0", command, "replica-b"));
    // Then
    assertThat(again.how()).isEqualTo(RunOutcome.How.ALREADY_SUCCEEDED);
    assertThat(again.exitCode()).isEqualTo(ExitCode.SUCCEEDED);
    assertThat(again.summary()).contains("already migrated").contains("pod/replica-a");
    assertThat(runs()).isEqualTo(1);
  }

  @Test
  @DisplayName(
      "--notify: the replica that ran the version posts one message, the replicas that find it"
          + " done post none, and a receiver that is down changes no exit code")
  void notifiesOncePerRun() throws Exception {
    List<String> bodies = Collections.synchronizedList(new ArrayList<>());
    com.sun.net.httpserver.HttpServer receiver =
        com.sun.net.httpserver.HttpServer.create(
            new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
    receiver.createContext(
        "/",
        x -> {
          bodies.add(new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
          x.sendResponseHeaders(200, -1);
          x.close();
        });
    receiver.start();
    try {
      List<String> urls =
          List.of("http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook/s3cr3t");
      List<String> command = appending("echo applied");
      List<String> said = Collections.synchronizedList(new ArrayList<>());
      RunOutcome ran =
          engine(saying(said)).exec(notifying(request("1.0", command, "replica-a"), urls));
      RunOutcome found = engine().exec(notifying(request("1.0", command, "replica-b"), urls));
      assertThat(ran.how()).isEqualTo(RunOutcome.How.RAN);
      assertThat(found.how()).isEqualTo(RunOutcome.How.ALREADY_SUCCEEDED);
      assertThat(bodies).hasSize(1);
      assertThat(bodies.get(0))
          .contains("\"app\":\"shop\"", "\"version\":\"1.0\"", "\"state\":\"Succeeded\"")
          .contains("\"job\":\"pod/replica-a\"");
      assertThat(said)
          .anyMatch(l -> l.startsWith("notified http://127.0.0.1:") && !l.contains("s3cr3t"));
    } finally {
      receiver.stop(0);
    }
    // Nothing listens any more: the next version still succeeds, with a warning
    List<String> said = Collections.synchronizedList(new ArrayList<>());
    RunOutcome unheard =
        engine(saying(said))
            .exec(
                notifying(
                    request("2.0", appending("echo applied"), "replica-a"),
                    List.of(
                        "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook/s3cr3t")));
    assertThat(unheard.exitCode()).isEqualTo(ExitCode.SUCCEEDED);
    assertThat(said).anyMatch(l -> l.startsWith("warning: could not notify"));
  }

  private static ExecRequest notifying(ExecRequest r, List<String> urls) {
    return new ExecRequest(
        r.namespace(),
        r.app(),
        r.phase(),
        r.version(),
        r.command(),
        r.identity(),
        r.lockKey(),
        r.startedBy(),
        r.timeout(),
        r.database(),
        r.databaseTimeout(),
        r.environment(),
        r.tool(),
        urls);
  }

  @Test
  @DisplayName("A command that exits 7 is recorded Failed, reason Error, exit code 7; exec exits 1")
  void failingCommandIsRecordedFailed() {
    // Given
    List<String> command = appending("echo 'relation users already exists' >&2; exit 7");
    // When
    RunOutcome outcome = engine().exec(request("1.0", command, "replica-a"));
    // Then
    assertThat(outcome.how()).isEqualTo(RunOutcome.How.RAN);
    assertThat(outcome.exitCode()).isEqualTo(ExitCode.FAILED);
    assertThat(outcome.summary()).contains("exited with code 7");
    RunRecord stored = record("1.0");
    assertThat(stored.state()).isEqualTo(RunState.FAILED);
    assertThat(stored.reason()).isEqualTo(Reason.ERROR);
    assertThat(stored.exitCode()).isEqualTo(7);
    assertThat(stored.logTail()).contains("relation users already exists");
    // and a later exec reports the stored failure without running it again
    RunOutcome reported = engine().exec(request("1.0", command, "replica-b"));
    assertThat(reported.how()).isEqualTo(RunOutcome.How.ALREADY_FAILED);
    assertThat(reported.exitCode()).isEqualTo(ExitCode.FAILED);
    assertThat(runs()).isEqualTo(1);
  }

  @Test
  @DisplayName("A command that does not exist is recorded CommandNotFound; exec exits 3")
  void missingCommandCouldNotStart() {
    // Given
    List<String> command = List.of("/no/such/binary", "--up");
    // When
    RunOutcome outcome = engine().exec(request("1.0", command, "replica-a"));
    // Then
    assertThat(outcome.exitCode()).isEqualTo(ExitCode.COULD_NOT_START);
    assertThat(outcome.reason()).isEqualTo(Reason.COMMAND_NOT_FOUND);
    assertThat(outcome.summary()).contains("/no/such/binary");
    RunRecord stored = record("1.0");
    assertThat(stored.state()).isEqualTo(RunState.FAILED);
    assertThat(stored.reason()).isEqualTo(Reason.COMMAND_NOT_FOUND);
    assertThat(stored.exitCode()).isNull();
  }

  @Test
  @DisplayName("A run whose pod died half way is recorded Interrupted, never run again; exits 1")
  void deadHolderIsRecordedInterrupted() {
    // Given replica-a's exec claimed 1.0 and died: its record says Running, nobody holds the lock
    List<String> command = appending("echo applied");
    records()
        .create(
            RunRecord.claim(
                "shop",
                Phase.PRE,
                "1.0",
                RunState.RUNNING,
                null,
                hash(command),
                RunRecord.POD_PREFIX + "replica-a",
                Instant.now().minusSeconds(120),
                "test@host"))
        .orElseThrow();
    // When replica-b execs the same version
    RunOutcome outcome = engine().exec(request("1.0", command, "replica-b"));
    // Then
    assertThat(outcome.exitCode()).isEqualTo(ExitCode.FAILED);
    assertThat(outcome.how()).isEqualTo(RunOutcome.How.ALREADY_FAILED);
    assertThat(outcome.reason()).isEqualTo(Reason.INTERRUPTED);
    RunRecord stored = record("1.0");
    assertThat(stored.state()).isEqualTo(RunState.FAILED);
    assertThat(stored.reason()).isEqualTo(Reason.INTERRUPTED);
    assertThat(stored.message()).contains("pod/replica-a").contains("half applied");
    assertThat(stored.jobName()).isEqualTo("pod/replica-a");
    assertThat(runs()).isZero();
  }

  @Test
  @DisplayName("The same version with another command is refused with exit 6, nothing run")
  void sameVersionOtherCommandIsAConflict() {
    // Given
    engine().exec(request("1.0", appending("echo first"), "replica-a"));
    // When / Then
    assertThatThrownBy(() -> engine().exec(request("1.0", appending("echo other"), "replica-a")))
        .isInstanceOf(KubemigrateException.class)
        .hasMessageContaining("another command")
        .extracting(e -> ((KubemigrateException) e).exitCode())
        .isEqualTo(ExitCode.CONFLICT);
    assertThat(runs()).isEqualTo(1);
    assertThat(record("1.0").state()).isEqualTo(RunState.SUCCEEDED);
  }

  @Test
  @DisplayName(
      "An exec interrupted while its command runs stops it, records Interrupted, exits 130")
  void interruptStopsTheCommand() throws Exception {
    // Given an exec whose command sleeps
    ExecEngine engine = engine();
    long start = System.nanoTime();
    CompletableFuture<RunOutcome> exec =
        CompletableFuture.supplyAsync(
            () -> engine.exec(request("1.0", List.of("sleep", "30"), "replica-a")));
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> records().get("shop", Phase.PRE, "1.0"),
            r -> r.isPresent() && r.get().record().state() == RunState.RUNNING);
    // When
    engine.interrupt();
    // Then
    RunOutcome outcome = exec.get(5, TimeUnit.SECONDS);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(15));
    assertThat(outcome.exitCode()).isEqualTo(ExitCode.INTERRUPTED);
    assertThat(outcome.exitCode().code()).isEqualTo(130);
    RunRecord stored = record("1.0");
    assertThat(stored.state()).isEqualTo(RunState.FAILED);
    assertThat(stored.reason()).isEqualTo(Reason.INTERRUPTED);
    assertThat(stored.message()).contains("interrupted");
  }

  @Test
  @DisplayName("An exec interrupted while it waits for the lock exits 130 and runs nothing")
  void interruptWhileWaitingForTheLock() throws Exception {
    // Given another replica holds the app's lock and renews it
    try (AppLock held =
        new AppLock(
            client,
            NS,
            "shop",
            "replica-a",
            Clock.systemUTC(),
            RunListener.SILENT,
            ExecEngine.LEASE)) {
      held.acquire(Duration.ofSeconds(10));
      List<String> progress = Collections.synchronizedList(new ArrayList<>());
      ExecEngine engine = engine(progressing(progress));
      CompletableFuture<RunOutcome> exec =
          CompletableFuture.supplyAsync(
              () -> engine.exec(request("1.0", appending("echo applied"), "replica-b")));
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> progress.stream().anyMatch(m -> m.contains("held by replica-a")));
      // When
      engine.interrupt();
      // Then
      RunOutcome outcome = exec.get(5, TimeUnit.SECONDS);
      assertThat(outcome.exitCode()).isEqualTo(ExitCode.INTERRUPTED);
      assertThat(outcome.summary()).contains("waiting for lock");
      assertThat(records().get("shop", Phase.PRE, "1.0")).isEmpty();
      assertThat(runs()).isZero();
      Lease lease = client.leases().inNamespace(NS).withName(held.name()).get();
      assertThat(lease.getSpec().getHolderIdentity()).isEqualTo("replica-a");
    }
  }

  /** A shell command that first notes that it ran, then does {@code script}. */
  @Test
  @DisplayName(
      "A database that never accepts connections within --db-timeout: exit 3 DatabaseUnreachable,"
          + " the command never ran and nothing is recorded, so the pod's next start tries again")
  void unreachableDatabaseRecordsNothing() throws Exception {
    // Given a FLYWAY_URL whose port nothing listens on
    int closed;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      closed = s.getLocalPort();
    }
    List<String> said = Collections.synchronizedList(new ArrayList<>());
    Map<String, String> env =
        Map.of(
            "FLYWAY_URL",
            "jdbc:postgresql://127.0.0.1:" + closed + "/shop",
            "FLYWAY_PASSWORD",
            "s3cret");
    // When
    RunOutcome outcome =
        engine(saying(said))
            .exec(withDatabase(appending("echo applied"), null, Duration.ofSeconds(2), env));
    // Then
    assertThat(outcome.exitCode()).isEqualTo(ExitCode.COULD_NOT_START);
    assertThat(outcome.reason()).isEqualTo(Reason.DATABASE_UNREACHABLE);
    assertThat(outcome.summary())
        .contains("PostgreSQL at 127.0.0.1:" + closed + "/shop (from FLYWAY_URL)")
        .contains("connection refused")
        .contains("nothing ran");
    assertThat(runs()).isZero();
    assertThat(records().get("shop", Phase.PRE, "1.0")).isEmpty();
    assertThat(said.get(0)).startsWith("waiting for the database, PostgreSQL at 127.0.0.1:");
    assertThat(String.join("\n", said)).doesNotContain("s3cret");
    // and the next start, with the database up, runs it
    try (java.net.ServerSocket up = new java.net.ServerSocket(closed)) {
      RunOutcome next =
          engine()
              .exec(
                  withDatabase(
                      appending("echo applied"),
                      "tcp://127.0.0.1:" + closed,
                      Duration.ofSeconds(2),
                      env));
      assertThat(next.exitCode()).isEqualTo(ExitCode.SUCCEEDED);
    }
    assertThat(runs()).isEqualTo(1);
  }

  @Test
  @DisplayName(
      "A database that comes up while exec waits: the command runs once it accepts connections,"
          + " and the wait is said")
  void waitsForTheDatabaseThenRuns() throws Exception {
    // Given a port that nothing listens on yet
    int port;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      port = s.getLocalPort();
    }
    List<String> said = Collections.synchronizedList(new ArrayList<>());
    java.util.concurrent.CompletableFuture<RunOutcome> exec =
        java.util.concurrent.CompletableFuture.supplyAsync(
            () ->
                engine(saying(said))
                    .exec(
                        withDatabase(
                            appending("echo applied"),
                            "tcp://127.0.0.1:" + port,
                            Duration.ofSeconds(30),
                            Map.of())));
    // When the database starts listening once exec has said it waits
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> said.stream().anyMatch(l -> l.startsWith("waiting for the database")));
    assertThat(runs()).isZero();
    try (java.net.ServerSocket up = new java.net.ServerSocket(port)) {
      RunOutcome outcome = exec.get(20, java.util.concurrent.TimeUnit.SECONDS);
      // Then
      assertThat(outcome.exitCode()).isEqualTo(ExitCode.SUCCEEDED);
    }
    assertThat(runs()).isEqualTo(1);
    assertThat(said)
        .anyMatch(
            l -> l.startsWith("the database accepts TCP connections: a server at 127.0.0.1:"));
  }

  @Test
  @DisplayName(
      "A version already migrated does not wait for the database; --db-timeout 0s does not wait")
  void noWaitWhenNothingRuns() {
    Map<String, String> env = Map.of("FLYWAY_URL", "jdbc:postgresql://127.0.0.1:1/shop");
    List<String> command = appending("echo applied");
    // --db-timeout 0s: runs at once although nothing listens
    RunOutcome first = engine().exec(withDatabase(command, null, Duration.ZERO, env));
    assertThat(first.exitCode()).isEqualTo(ExitCode.SUCCEEDED);
    // already migrated: exits 0 at once, the database unasked
    List<String> said = new ArrayList<>();
    RunOutcome again =
        engine(saying(said)).exec(withDatabase(command, null, Duration.ofMinutes(5), env));
    assertThat(again.how()).isEqualTo(RunOutcome.How.ALREADY_SUCCEEDED);
    assertThat(said).noneMatch(l -> l.contains("database"));
    assertThat(runs()).isEqualTo(1);
  }

  @Test
  @DisplayName(
      "A Liquibase that waits for its stale changelog lock is stopped at its third wait: exit 3"
          + " StaleToolLock with the repair, recorded; not the minutes Liquibase would wait")
  void staleToolLockStopsTheCommand() {
    // Given a command that prints Liquibase's own line (4.33.0) until it is stopped
    List<String> command =
        appending(
            "echo 'Liquibase Version: 4.33.0'; while true; do echo 'Waiting for changelog"
                + " lock....'; sleep 0.2; done");
    // When
    long start = System.nanoTime();
    RunOutcome outcome = engine().exec(request("1.0", command, "replica-a"));
    // Then
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    assertThat(outcome.exitCode()).isEqualTo(ExitCode.COULD_NOT_START);
    assertThat(outcome.reason()).isEqualTo(Reason.STALE_TOOL_LOCK);
    RunRecord stored = record("1.0");
    assertThat(stored.reason()).isEqualTo(Reason.STALE_TOOL_LOCK);
    assertThat(stored.message())
        .contains("liquibase release-locks")
        .contains("stopped the command");
    assertThat(runs()).isEqualTo(1);
  }

  @Test
  @DisplayName(
      "A Flyway that finds a failed migration row is recorded in its words, its exit code kept")
  void toolStateNamesTheFailure() {
    List<String> command =
        appending(
            "echo 'Flyway OSS Edition 11.8.2 by Redgate'; echo 'ERROR: Validate failed: Migrations"
                + " have failed validation'; echo 'Detected failed migration to version 2 (add"
                + " orders).'; exit 1");
    RunOutcome outcome = engine().exec(request("1.0", command, "replica-a"));
    assertThat(outcome.exitCode()).isEqualTo(ExitCode.FAILED);
    assertThat(outcome.reason()).isEqualTo(Reason.TOOL_FAILED_MIGRATION);
    RunRecord stored = record("1.0");
    assertThat(stored.exitCode()).isEqualTo(1);
    assertThat(stored.message())
        .contains("version 2 (add orders)")
        .contains("flyway repair")
        .endsWith("(the migration exited with code 1)");
  }

  private static ExecRequest withDatabase(
      List<String> command, String db, Duration dbTimeout, Map<String, String> env) {
    return new ExecRequest(
        NS,
        "shop",
        Phase.PRE,
        "1.0",
        command,
        "replica-a",
        "shop",
        "test@host",
        Duration.ofSeconds(30),
        db,
        dbTimeout,
        env,
        null,
        List.of());
  }

  private static RunListener saying(List<String> said) {
    return new RunListener() {
      @Override
      public void progress(String message) {
        said.add(message);
      }

      @Override
      public void logLine(String pod, String line) {}
    };
  }

  private List<String> appending(String script) {
    return List.of("sh", "-c", "echo ran >> '" + dir.resolve("runs") + "'; " + script);
  }

  /** How many times a command made by {@link #appending} ran. */
  private long runs() {
    Path runs = dir.resolve("runs");
    try {
      return Files.exists(runs) ? Files.readAllLines(runs).size() : 0;
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private ExecEngine engine() {
    return engine(RunListener.SILENT);
  }

  private ExecEngine engine(RunListener listener) {
    return new ExecEngine(client, Clock.systemUTC(), listener);
  }

  private RecordStore records() {
    return new RecordStore(client, NS);
  }

  private RunRecord record(String version) {
    Optional<RunRecord> r =
        records().get("shop", Phase.PRE, version).map(dev.kubemigrate.record.StoredRecord::record);
    assertThat(r).as("record of %s", version).isPresent();
    return r.get();
  }

  private static ExecRequest request(String version, List<String> command, String identity) {
    return new ExecRequest(
        NS,
        "shop",
        Phase.PRE,
        version,
        command,
        identity,
        "shop",
        "test@host",
        Duration.ofSeconds(30),
        null,
        Duration.ZERO,
        java.util.Map.of(),
        null,
        List.of());
  }

  /** The spec hash that exec stores for a command. */
  private static String hash(List<String> command) {
    return Hashing.sha256Hex(String.join("\u0000", command), 16);
  }

  private static RunListener logging(List<String> lines) {
    return new RunListener() {
      @Override
      public void progress(String message) {}

      @Override
      public void logLine(String pod, String line) {
        lines.add(line);
      }
    };
  }

  private static RunListener progressing(List<String> messages) {
    return new RunListener() {
      @Override
      public void progress(String message) {
        messages.add(message);
      }

      @Override
      public void logLine(String pod, String line) {}
    };
  }
}
