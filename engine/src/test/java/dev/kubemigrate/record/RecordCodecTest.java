package dev.kubemigrate.record;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubemigrate.api.Phase;
import dev.kubemigrate.api.RunRecord;
import dev.kubemigrate.api.RunState;
import io.fabric8.kubernetes.api.model.ConfigMap;
import java.time.Instant;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class RecordCodecTest {

  @Test
  @DisplayName("A record survives the round trip through its ConfigMap")
  void roundTrip() {
    // Given
    RunRecord r =
        new RunRecord(
            "shop",
            Phase.PRE,
            "1.4.2",
            RunState.FAILED,
            "reg/shop-migrate:1.4.2",
            "abc",
            "shop-pre-1-4-2",
            "uid-1",
            2,
            Instant.parse("2026-01-01T10:00:00Z"),
            Instant.parse("2026-01-01T10:01:00Z"),
            dev.kubemigrate.api.Reason.ERROR,
            "the migration exited with code 1",
            1,
            "https://ci/run/1",
            "line 1\nline 2");
    // When
    ConfigMap cm = RecordCodec.toConfigMap("ns", r);
    // Then
    assertThat(RecordCodec.fromConfigMap(cm)).isEqualTo(r);
    assertThat(cm.getMetadata().getLabels())
        .containsEntry(RecordCodec.RECORD_LABEL, "true")
        .containsEntry("kubemigrate.dev/app", "shop")
        .containsEntry("kubemigrate.dev/state", "Failed");
  }

  @Test
  @DisplayName("A pending record without a result stores no empty fields")
  void pendingRecordHasNoResultFields() {
    RunRecord r =
        new RunRecord(
            "shop",
            Phase.POST,
            "2",
            RunState.PENDING,
            "img:2",
            "h",
            "shop-post-2",
            null,
            1,
            Instant.parse("2026-01-01T10:00:00Z"),
            null,
            null,
            null,
            null,
            "me@host",
            null);
    ConfigMap cm = RecordCodec.toConfigMap("ns", r);
    assertThat(cm.getData()).doesNotContainKeys("finishedAt", "reason", "exitCode", "jobUid");
    assertThat(RecordCodec.fromConfigMap(cm)).isEqualTo(r);
  }
}
