package dev.kubemigrate.lock;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.coordination.v1.LeaseSpec;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseSpecBuilder;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class LockRulesTest {

  private static final Instant RENEWED = Instant.parse("2026-01-01T10:00:00Z");

  @Test
  @DisplayName("A lease nobody holds is free")
  void unheldIsFree() {
    assertThat(LockRules.standing(null, "me", RENEWED)).isEqualTo(LockRules.Standing.FREE);
    assertThat(LockRules.standing(new LeaseSpec(), "me", RENEWED))
        .isEqualTo(LockRules.Standing.FREE);
  }

  @Test
  @DisplayName("Another holder's lease is held until its duration after the last renewal")
  void heldUntilExpiry() {
    // Given a lease renewed at 10:00:00 for 15 s
    LeaseSpec spec = lease("other");
    // Then
    assertThat(LockRules.standing(spec, "me", RENEWED.plusSeconds(14)))
        .isEqualTo(LockRules.Standing.HELD);
    assertThat(LockRules.standing(spec, "me", RENEWED.plusSeconds(16)))
        .isEqualTo(LockRules.Standing.EXPIRED);
    assertThat(LockRules.standing(spec, "other", RENEWED.plusSeconds(16)))
        .isEqualTo(LockRules.Standing.MINE);
  }

  @Test
  @DisplayName("Lease names are valid and bounded whatever the key")
  void leaseNames() {
    assertThat(LockRules.leaseName("shop")).isEqualTo("kubemigrate-lock-shop");
    assertThat(LockRules.leaseName("x".repeat(100)))
        .hasSizeLessThanOrEqualTo(63)
        .doesNotEndWith("-");
  }

  private static LeaseSpec lease(String holder) {
    return new LeaseSpecBuilder()
        .withHolderIdentity(holder)
        .withLeaseDurationSeconds(15)
        .withRenewTime(RENEWED.atZone(ZoneOffset.UTC))
        .build();
  }
}
