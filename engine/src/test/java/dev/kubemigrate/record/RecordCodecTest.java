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
            "line 1\nline 2",
            null,
            null,
            null);
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
            null,
            null,
            null,
            null);
    ConfigMap cm = RecordCodec.toConfigMap("ns", r);
    assertThat(cm.getData()).doesNotContainKeys("finishedAt", "reason", "exitCode", "jobUid");
    assertThat(RecordCodec.fromConfigMap(cm)).isEqualTo(r);
  }

  @Test
  @DisplayName(
      "An active Job run's record holds the start-once key until a pod started; an ended or exec"
          + " run's never")
  void startOnceKeyUntilAPodStarted() {
    RunRecord claim =
        RunRecord.claim(
            "shop",
            Phase.PRE,
            "2",
            RunState.PENDING,
            "img:2",
            "h",
            "shop-pre-2-1",
            Instant.parse("2026-01-01T10:00:00Z"),
            "me@host");
    RunRecord running = claim.withJobUid("uid");
    RunRecord started = running.withStartedPod("shop-pre-2-1-abcde");
    RunRecord ended =
        running.finished(
            RunState.FAILED, Instant.parse("2026-01-01T10:01:00Z"), null, "m", null, null);
    RunRecord inPod =
        RunRecord.claim(
            "shop",
            Phase.PRE,
            "2",
            RunState.RUNNING,
            "img:2",
            "h",
            RunRecord.POD_PREFIX + "shop-7f9",
            Instant.parse("2026-01-01T10:00:00Z"),
            "me@host");
    String key = dev.kubemigrate.job.JobFactory.startOnceKey(1);
    for (RunRecord holds : java.util.List.of(claim, running)) {
      assertThat(RecordCodec.toConfigMap("ns", holds).getData())
          .as(holds.state().display())
          .containsKey(key);
    }
    for (RunRecord none : java.util.List.of(started, ended, inPod)) {
      assertThat(RecordCodec.toConfigMap("ns", none).getData().keySet())
          .noneMatch(k -> k.startsWith("startOnce"));
    }
    assertThat(RecordCodec.fromConfigMap(RecordCodec.toConfigMap("ns", started)))
        .isEqualTo(started);
    // A new attempt has a start of its own, under a key of its own: a pod of the first attempt's
    // Job that still waits for its start does not get it
    RunRecord retried =
        started.retried("shop-pre-2-2", Instant.parse("2026-01-01T10:02:00Z"), "me");
    assertThat(retried.startedPod()).isNull();
    assertThat(RecordCodec.toConfigMap("ns", retried).getData())
        .containsKey(dev.kubemigrate.job.JobFactory.startOnceKey(2))
        .doesNotContainKey(key);
  }
}
