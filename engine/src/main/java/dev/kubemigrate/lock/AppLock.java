package dev.kubemigrate.lock;

import dev.kubemigrate.api.ExitCode;
import dev.kubemigrate.api.KubemigrateException;
import dev.kubemigrate.api.RunListener;
import dev.kubemigrate.kube.ApiErrors;
import dev.kubemigrate.kube.ChangeSignal;
import dev.kubemigrate.kube.SharedCache;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.net.HttpURLConnection;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The per-app lock: a {@code coordination.k8s.io/v1} Lease, held while a migration runs, renewed in
 * the background, taken over once its holder stops renewing, released on close. It serialises the
 * migrations of different versions of one app (or of one database, with {@code --lock KEY}).
 */
public final class AppLock implements AutoCloseable {

  /** What acquiring found: whose expired lock was taken over, if any. */
  public record Acquired(String tookOverFrom, Instant heldSince) {}

  private final KubernetesClient client;
  private final String namespace;
  private final String name;
  private final String identity;
  private final Clock clock;
  private final RunListener listener;
  private final Duration leaseDuration;
  private final ChangeSignal changed = new ChangeSignal();
  private final SharedCache<Lease> cache;
  private ScheduledExecutorService renewer;
  private volatile boolean lost;

  /** The Lease as this holder last wrote it: renewals and the release start from it. */
  private volatile Lease held;

  public AppLock(
      KubernetesClient client,
      String namespace,
      String key,
      String identity,
      Clock clock,
      RunListener listener,
      Duration leaseDuration) {
    this(client, namespace, key, identity, clock, listener, leaseDuration, SharedCache.none());
  }

  /**
   * With {@code cache}: the operator's informer of the Leases, read first instead of a GET. Only
   * what a compare-and-set write follows is taken from it (no Lease yet: create it; a free or
   * expired one: take it with its resourceVersion); a lost write, a Lease that looks held or ours,
   * are read from the API server.
   */
  public AppLock(
      KubernetesClient client,
      String namespace,
      String key,
      String identity,
      Clock clock,
      RunListener listener,
      Duration leaseDuration,
      SharedCache<Lease> cache) {
    this.cache = cache;
    this.client = client;
    this.namespace = namespace;
    this.name = LockRules.leaseName(key);
    this.identity = identity;
    this.clock = clock;
    this.listener = listener;
    this.leaseDuration = leaseDuration;
  }

  public String name() {
    return name;
  }

  /** True once another holder has taken the lock from us (we failed to renew in time). */
  public boolean lost() {
    return lost;
  }

  /** Blocks until this holder has the lock, or {@code timeout} passed (exit 4). */
  public Acquired acquire(Duration timeout) {
    return acquire(timeout, () -> false).orElseThrow();
  }

  /**
   * Blocks until this holder has the lock, or {@code timeout} passed (exit 4), or {@code
   * stopWaiting} says the lock is no longer needed (then empty; checked on every change and at
   * least each second).
   */
  public Optional<Acquired> acquire(Duration timeout, BooleanSupplier stopWaiting) {
    Instant deadline = clock.instant().plus(timeout);
    String shownHolder = null;
    SharedIndexInformer<Lease> informer = null;
    boolean fromCache = cache.available();
    try {
      while (true) {
        Lease lease = fromCache ? cache.get(namespace, name) : leases().withName(name).get();
        Instant now = clock.instant();
        if (fromCache) {
          fromCache = false; // whatever comes next is read from the API server
          LockRules.Standing cached =
              lease == null ? null : LockRules.standing(lease.getSpec(), identity, now);
          if (cached == LockRules.Standing.MINE || cached == LockRules.Standing.HELD) {
            continue;
          }
        }
        if (lease == null) {
          if (create(now).isPresent()) {
            return Optional.of(started(new Acquired(null, now)));
          }
          continue;
        }
        LockRules.Standing standing = LockRules.standing(lease.getSpec(), identity, now);
        switch (standing) {
          case MINE -> {
            held = lease;
            return Optional.of(started(new Acquired(null, now)));
          }
          case FREE, EXPIRED -> {
            String previous = lease.getSpec() == null ? null : lease.getSpec().getHolderIdentity();
            if (take(lease, now)) {
              if (standing == LockRules.Standing.EXPIRED) {
                listener.progress(
                    "took over lock " + name + " from " + previous + ", which stopped renewing it");
                return Optional.of(started(new Acquired(previous, now)));
              }
              return Optional.of(started(new Acquired(null, now)));
            }
          }
          case HELD -> {
            if (informer == null) {
              // Watch the Lease only when there is something to wait for: a free lock costs
              // one GET and one write.
              informer = leases().withName(name).inform(changed, 0);
            }
            String holder = lease.getSpec().getHolderIdentity();
            if (!holder.equals(shownHolder)) {
              shownHolder = holder;
              ZonedDateTime since = lease.getSpec().getAcquireTime();
              listener.progress(
                  "waiting for lock "
                      + name
                      + ", held by "
                      + holder
                      + (since == null ? "" : " since " + since.toInstant()));
            }
            if (stopWaiting.getAsBoolean()) {
              return Optional.empty();
            }
            if (now.isAfter(deadline)) {
              throw new KubemigrateException(
                  ExitCode.TIMED_OUT,
                  "lock "
                      + name
                      + " still held by "
                      + holder
                      + " after "
                      + timeout.toSeconds()
                      + "s");
            }
            Duration untilExpiry = Duration.between(now, LockRules.expiresAt(lease.getSpec()));
            changed.await(
                untilExpiry.isNegative() || untilExpiry.compareTo(Duration.ofSeconds(1)) > 0
                    ? Duration.ofSeconds(1)
                    : untilExpiry.plusMillis(50));
          }
        }
      }
    } catch (KubernetesClientException e) {
      throw ApiErrors.translate(client, e, "create/update", "leases", namespace);
    } finally {
      if (informer != null) {
        informer.close();
      }
    }
  }

  /** Releases the lock, if still ours. */
  @Override
  public void close() {
    if (renewer != null) {
      renewer.shutdownNow();
    }
    try {
      // From the Lease as we last wrote it: one request; a conflict means it changed since, then
      // read it and release it only if it is still ours.
      Lease mine = held;
      if (mine != null && release(mine)) {
        return;
      }
      Lease lease = leases().withName(name).get();
      if (lease != null
          && lease.getSpec() != null
          && identity.equals(lease.getSpec().getHolderIdentity())) {
        release(lease);
      }
    } catch (KubernetesClientException e) {
      // Not released: it expires after its lease duration.
      listener.progress("could not release lock " + name + ": " + ApiErrors.describe(e));
    }
  }

  /** Clears the holder; false on a conflict (the Lease changed since {@code lease} was read). */
  private boolean release(Lease lease) {
    Lease released =
        new LeaseBuilder(lease)
            .editSpec()
            .withHolderIdentity(null)
            .withRenewTime(null)
            .endSpec()
            .build();
    try {
      leases().resource(released).update();
      return true;
    } catch (KubernetesClientException e) {
      if (e.getCode() == HttpURLConnection.HTTP_CONFLICT) {
        return false;
      }
      throw e;
    }
  }

  private Acquired started(Acquired acquired) {
    renewer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "lock-renewer");
              t.setDaemon(true);
              return t;
            });
    long period = Math.max(1, leaseDuration.toMillis() / 3);
    renewer.scheduleAtFixedRate(this::renew, period, period, TimeUnit.MILLISECONDS);
    return acquired;
  }

  private void renew() {
    try {
      Lease mine = held;
      if (mine != null) {
        Lease renewed =
            new LeaseBuilder(mine)
                .editSpec()
                .withRenewTime(time(clock.instant()))
                .endSpec()
                .build();
        try {
          held = leases().resource(renewed).update();
          return;
        } catch (KubernetesClientException e) {
          if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
            return; // retried at the next tick; the lease outlives two of them
          }
          // Changed since we wrote it: read it, and renew only if it is still ours.
        }
      }
      Lease lease = leases().withName(name).get();
      if (lease == null
          || lease.getSpec() == null
          || !identity.equals(lease.getSpec().getHolderIdentity())) {
        lost = true;
        return;
      }
      lease.getSpec().setRenewTime(time(clock.instant()));
      held = leases().resource(lease).update();
    } catch (KubernetesClientException e) {
      // A missed renewal is retried at the next tick; the lease outlives two of them.
    }
  }

  private Optional<Lease> create(Instant now) {
    Lease lease =
        new LeaseBuilder()
            .withNewMetadata()
            .withName(name)
            .withNamespace(namespace)
            .addToLabels("app.kubernetes.io/managed-by", "kubemigrate")
            .endMetadata()
            .withNewSpec()
            .withHolderIdentity(identity)
            .withLeaseDurationSeconds((int) leaseDuration.toSeconds())
            .withAcquireTime(time(now))
            .withRenewTime(time(now))
            .withLeaseTransitions(0)
            .endSpec()
            .build();
    try {
      held = leases().resource(lease).create();
      return Optional.of(held);
    } catch (KubernetesClientException e) {
      if (e.getCode() == HttpURLConnection.HTTP_CONFLICT) {
        return Optional.empty();
      }
      throw e;
    }
  }

  private boolean take(Lease lease, Instant now) {
    int transitions =
        lease.getSpec() == null || lease.getSpec().getLeaseTransitions() == null
            ? 0
            : lease.getSpec().getLeaseTransitions();
    Lease taken =
        new LeaseBuilder(lease)
            .editOrNewSpec()
            .withHolderIdentity(identity)
            .withLeaseDurationSeconds((int) leaseDuration.toSeconds())
            .withAcquireTime(time(now))
            .withRenewTime(time(now))
            .withLeaseTransitions(transitions + 1)
            .endSpec()
            .build();
    try {
      // The resourceVersion read makes this a compare-and-set: one taker wins.
      held = leases().resource(taken).update();
      return true;
    } catch (KubernetesClientException e) {
      if (e.getCode() == HttpURLConnection.HTTP_CONFLICT) {
        return false;
      }
      throw e;
    }
  }

  private io.fabric8.kubernetes.client.dsl.NonNamespaceOperation<
          Lease,
          io.fabric8.kubernetes.api.model.coordination.v1.LeaseList,
          io.fabric8.kubernetes.client.dsl.Resource<Lease>>
      leases() {
    return client.leases().inNamespace(namespace);
  }

  private static ZonedDateTime time(Instant instant) {
    return instant.atZone(ZoneOffset.UTC);
  }
}
