package dev.kubemigrate.lock;

import dev.kubemigrate.names.KubernetesNames;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseSpec;
import java.time.Duration;
import java.time.Instant;

/** When a lock's Lease is free, held, or expired: pure, the clock is an argument. */
public final class LockRules {

  /** How a Lease looks to a would-be holder. */
  public enum Standing {
    /** Nobody holds it (never held, released). */
    FREE,
    /** This holder holds it. */
    MINE,
    /** Someone else holds it and renews it. */
    HELD,
    /** Someone else held it and stopped renewing: it may be taken over. */
    EXPIRED
  }

  private LockRules() {}

  public static Standing standing(LeaseSpec spec, String identity, Instant now) {
    if (spec == null || spec.getHolderIdentity() == null || spec.getHolderIdentity().isEmpty()) {
      return Standing.FREE;
    }
    if (spec.getHolderIdentity().equals(identity)) {
      return Standing.MINE;
    }
    return expiresAt(spec).isBefore(now) ? Standing.EXPIRED : Standing.HELD;
  }

  /** When the current holder's lease runs out unless renewed. */
  public static Instant expiresAt(LeaseSpec spec) {
    Instant renewed =
        spec.getRenewTime() != null
            ? spec.getRenewTime().toInstant()
            : spec.getAcquireTime() != null ? spec.getAcquireTime().toInstant() : Instant.EPOCH;
    int seconds = spec.getLeaseDurationSeconds() == null ? 0 : spec.getLeaseDurationSeconds();
    return renewed.plus(Duration.ofSeconds(seconds));
  }

  /** The Lease's name for a lock key (the app, or `--lock KEY`). */
  public static String leaseName(String key) {
    String name = "kubemigrate-lock-" + KubernetesNames.sanitize(key);
    return name.length() <= 63 ? name : name.substring(0, 63).replaceAll("-+$", "");
  }
}
