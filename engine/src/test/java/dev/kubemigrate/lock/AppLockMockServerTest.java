package dev.kubemigrate.lock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.kubemigrate.api.ExitCode;
import dev.kubemigrate.api.KubemigrateException;
import dev.kubemigrate.api.RunListener;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The app's lock against fabric8's CRUD mock API server: a real Lease, real renewals, real
 * compare-and-set updates. The clock is the real one; lease durations are short (3 s) so that
 * renewal and expiry show within a few seconds.
 */
@EnableKubernetesMockClient(crud = true)
class AppLockMockServerTest {

  private static final String NS = "test";
  private static final String KEY = "shop";
  private static final Duration SHORT_LEASE = Duration.ofSeconds(3);

  KubernetesClient client;

  private final List<AppLock> opened = Collections.synchronizedList(new ArrayList<>());

  @AfterEach
  void closeLocks() {
    // Stops the renewers of locks a test left held.
    opened.forEach(AppLock::close);
  }

  @Test
  @DisplayName("A free lock is acquired at once and its Lease names the holder")
  void freeLockIsAcquired() {
    // Given no Lease
    AppLock lock = lock("replica-a", SHORT_LEASE);
    // When
    AppLock.Acquired acquired = lock.acquire(Duration.ofSeconds(10));
    // Then
    assertThat(acquired.tookOverFrom()).isNull();
    Lease lease = lease();
    assertThat(lease.getMetadata().getName()).isEqualTo("kubemigrate-lock-shop");
    assertThat(lease.getSpec().getHolderIdentity()).isEqualTo("replica-a");
    assertThat(lease.getSpec().getLeaseDurationSeconds()).isEqualTo(3);
    assertThat(lease.getSpec().getLeaseTransitions()).isZero();
    assertThat(lease.getMetadata().getLabels())
        .containsEntry("app.kubernetes.io/managed-by", "kubemigrate");
  }

  @Test
  @DisplayName(
      "A second holder waits while the first renews, and gets the lock once it is released")
  void secondHolderWaitsUntilRelease() throws Exception {
    // Given replica-a holds the lock
    AppLock first = lock("replica-a", SHORT_LEASE);
    first.acquire(Duration.ofSeconds(10));
    List<String> progress = Collections.synchronizedList(new ArrayList<>());
    AppLock second = lock("replica-b", SHORT_LEASE, recording(progress));
    // When replica-b asks for it
    CompletableFuture<Optional<AppLock.Acquired>> waiting =
        CompletableFuture.supplyAsync(() -> second.acquire(Duration.ofSeconds(30), () -> false));
    // Then it waits for longer than the lease lasts, since replica-a renews it
    await()
        .during(SHORT_LEASE.plusSeconds(1))
        .atMost(SHORT_LEASE.plusSeconds(3))
        .until(() -> !waiting.isDone());
    assertThat(lease().getSpec().getHolderIdentity()).isEqualTo("replica-a");
    assertThat(progress)
        .anySatisfy(m -> assertThat(m).contains("waiting for lock").contains("held by replica-a"));
    // When replica-a releases it
    first.close();
    // Then replica-b gets it, not as a takeover
    Optional<AppLock.Acquired> acquired = waiting.get(5, TimeUnit.SECONDS);
    assertThat(acquired).isPresent();
    assertThat(acquired.get().tookOverFrom()).isNull();
    assertThat(lease().getSpec().getHolderIdentity()).isEqualTo("replica-b");
    assertThat(lease().getSpec().getLeaseTransitions()).isEqualTo(1);
  }

  @Test
  @DisplayName("A lock whose holder stopped renewing it is taken over, and the takeover counted")
  void expiredLockIsTakenOver() {
    // Given a Lease held by "dead", last renewed a minute ago, for 15 s
    ZonedDateTime longAgo = Instant.now().minusSeconds(60).atZone(ZoneOffset.UTC);
    client
        .leases()
        .inNamespace(NS)
        .resource(
            new LeaseBuilder()
                .withNewMetadata()
                .withName(LockRules.leaseName(KEY))
                .withNamespace(NS)
                .endMetadata()
                .withNewSpec()
                .withHolderIdentity("dead")
                .withLeaseDurationSeconds(15)
                .withAcquireTime(longAgo)
                .withRenewTime(longAgo)
                .withLeaseTransitions(4)
                .endSpec()
                .build())
        .create();
    List<String> progress = Collections.synchronizedList(new ArrayList<>());
    AppLock lock = lock("replica-b", SHORT_LEASE, recording(progress));
    // When
    AppLock.Acquired acquired = lock.acquire(Duration.ofSeconds(10));
    // Then
    assertThat(acquired.tookOverFrom()).isEqualTo("dead");
    Lease lease = lease();
    assertThat(lease.getSpec().getHolderIdentity()).isEqualTo("replica-b");
    assertThat(lease.getSpec().getLeaseTransitions()).isEqualTo(5);
    assertThat(lease.getSpec().getLeaseDurationSeconds()).isEqualTo(3);
    assertThat(lease.getSpec().getRenewTime().toInstant()).isAfter(longAgo.toInstant());
    assertThat(progress).anySatisfy(m -> assertThat(m).contains("took over lock").contains("dead"));
  }

  @Test
  @DisplayName("The holder renews its Lease in the background while it holds the lock")
  void holderRenews() {
    // Given replica-a holds the lock for 3 s at a time
    AppLock lock = lock("replica-a", SHORT_LEASE);
    lock.acquire(Duration.ofSeconds(10));
    Instant firstRenewal = lease().getSpec().getRenewTime().toInstant();
    // When time passes
    // Then the renewal time moves on, more than once, and the lock is never lost
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> lease().getSpec().getRenewTime().toInstant(),
            t -> t.isAfter(firstRenewal.plusSeconds(2)));
    assertThat(lease().getSpec().getHolderIdentity()).isEqualTo("replica-a");
    assertThat(lock.lost()).isFalse();
  }

  @Test
  @DisplayName("Waiting for a lock held by a live renewer times out with exit 4")
  void acquireTimesOut() {
    // Given replica-a holds and renews the lock
    lock("replica-a", SHORT_LEASE).acquire(Duration.ofSeconds(10));
    AppLock second = lock("replica-b", SHORT_LEASE);
    // When / Then: the wait outlasts the lease, so only the renewals keep it held
    long start = System.nanoTime();
    assertThatThrownBy(() -> second.acquire(Duration.ofSeconds(4)))
        .isInstanceOf(KubemigrateException.class)
        .hasMessageContaining("still held by replica-a")
        .extracting(e -> ((KubemigrateException) e).exitCode())
        .isEqualTo(ExitCode.TIMED_OUT);
    assertThat(Duration.ofNanos(System.nanoTime() - start))
        .isBetween(Duration.ofSeconds(4), Duration.ofSeconds(8));
    assertThat(lease().getSpec().getHolderIdentity()).isEqualTo("replica-a");
  }

  @Test
  @DisplayName("A waiter told to stop waiting returns empty and leaves the lock to its holder")
  void stopWaitingReturnsEmpty() throws Exception {
    // Given replica-a holds the lock, replica-b waits for it
    lock("replica-a", SHORT_LEASE).acquire(Duration.ofSeconds(10));
    AppLock second = lock("replica-b", SHORT_LEASE);
    AtomicBoolean stop = new AtomicBoolean();
    CompletableFuture<Optional<AppLock.Acquired>> waiting =
        CompletableFuture.supplyAsync(() -> second.acquire(Duration.ofSeconds(60), stop::get));
    await()
        .during(Duration.ofSeconds(1))
        .atMost(Duration.ofSeconds(3))
        .until(() -> !waiting.isDone());
    // When
    stop.set(true);
    // Then it gives up within about a second (it checks at least each second)
    assertThat(waiting.get(3, TimeUnit.SECONDS)).isEmpty();
    assertThat(lease().getSpec().getHolderIdentity()).isEqualTo("replica-a");
  }

  @Test
  @DisplayName("A waiter told to stop before the lock is free never takes it, even when it frees")
  void stopWaitingBeforeAnything() {
    // Given replica-a holds the lock, and replica-b no longer needs it
    lock("replica-a", SHORT_LEASE).acquire(Duration.ofSeconds(10));
    // When
    Optional<AppLock.Acquired> acquired =
        lock("replica-b", SHORT_LEASE).acquire(Duration.ofSeconds(60), () -> true);
    // Then
    assertThat(acquired).isEmpty();
    assertThat(lease().getSpec().getHolderIdentity()).isEqualTo("replica-a");
  }

  private AppLock lock(String identity, Duration leaseDuration) {
    return lock(identity, leaseDuration, RunListener.SILENT);
  }

  private AppLock lock(String identity, Duration leaseDuration, RunListener listener) {
    AppLock lock =
        new AppLock(client, NS, KEY, identity, Clock.systemUTC(), listener, leaseDuration);
    opened.add(lock);
    return lock;
  }

  private Lease lease() {
    return client.leases().inNamespace(NS).withName(LockRules.leaseName(KEY)).get();
  }

  private static RunListener recording(List<String> progress) {
    return new RunListener() {
      @Override
      public void progress(String message) {
        progress.add(message);
      }

      @Override
      public void logLine(String pod, String line) {}
    };
  }
}
