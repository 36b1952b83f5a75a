package dev.kubemigrate.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kubemigrate.api.ExitCode;
import dev.kubemigrate.api.KubemigrateException;
import dev.kubemigrate.api.Phase;
import dev.kubemigrate.api.Reason;
import dev.kubemigrate.api.RunOutcome;
import dev.kubemigrate.api.RunRecord;
import dev.kubemigrate.api.RunState;
import dev.kubemigrate.api.Webhooks;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NotificationTest {

  private static final Instant START = Instant.parse("2026-12-04T10:00:00Z");

  private static RunRecord record(String startedBy) {
    return RunRecord.claim(
        "shop",
        Phase.PRE,
        "1.4.0",
        RunState.RUNNING,
        "registry.example/shop:1.4.0",
        "abc",
        "shop-pre-1-4-0",
        START,
        startedBy);
  }

  @Test
  @DisplayName("A success: a text for Slack, the fields, the schema; no hint and no log")
  void success() {
    RunRecord r =
        record("https://github.com/acme/shop/actions/runs/42")
            .finished(
                RunState.SUCCEEDED,
                START.plusSeconds(12),
                Reason.COMPLETED,
                "the migration succeeded",
                0,
                "line 1\nline 2")
            .withSchema("2", "3");
    Map<String, Object> p =
        Notification.payload(RunOutcome.of(RunOutcome.How.RAN, r, "ok"), "shop-prod");
    assertThat(p.keySet().iterator().next()).isEqualTo("text");
    assertThat((String) p.get("text"))
        .startsWith(":white_check_mark: kubemigrate: shop 1.4.0 (pre) migrated in 12 s")
        .contains("schema 2 → 3")
        .contains("namespace shop-prod, Job shop-pre-1-4-0")
        .contains("https://github.com/acme/shop/actions/runs/42");
    assertThat(p)
        .containsEntry("app", "shop")
        .containsEntry("version", "1.4.0")
        .containsEntry("phase", "pre")
        .containsEntry("state", "Succeeded")
        .containsEntry("reason", "Completed")
        .containsEntry("exitCode", 0)
        .containsEntry("durationSeconds", 12L)
        .containsEntry("ciUrl", "https://github.com/acme/shop/actions/runs/42")
        .containsEntry("schemaAfter", "3")
        .doesNotContainKeys("hint", "logTail");
  }

  @Test
  @DisplayName("A failure: its reason, what to do, and the last 20 lines of its log")
  void failure() {
    String log =
        IntStream.rangeClosed(1, 30).mapToObj(i -> "line " + i).collect(Collectors.joining("\n"));
    RunRecord r =
        record("ci@runner")
            .finished(
                RunState.FAILED,
                START.plusSeconds(3),
                Reason.ERROR,
                "the migration exited with code 1",
                1,
                log);
    Map<String, Object> p =
        Notification.payload(RunOutcome.of(RunOutcome.How.RAN, r, "failed"), "shop");
    assertThat((String) p.get("text"))
        .startsWith(
            ":x: kubemigrate: shop 1.4.0 (pre) failed: Error: the migration exited with code 1")
        .contains("What to do: " + Reason.ERROR.hint());
    assertThat(p)
        .containsEntry("state", "Failed")
        .containsEntry("exitCode", 1)
        .containsEntry("hint", Reason.ERROR.hint())
        .containsEntry("startedBy", "ci@runner")
        .doesNotContainKey("ciUrl");
    assertThat(((String) p.get("logTail")).lines())
        .hasSize(20)
        .startsWith("line 11")
        .endsWith("line 30");
  }

  @Test
  @DisplayName("Only a run this call ran to its end notifies: not one it found done or attached to")
  void due() {
    RunRecord done =
        record("x").finished(RunState.SUCCEEDED, START, Reason.COMPLETED, "ok", 0, null);
    assertThat(Notification.due(RunOutcome.of(RunOutcome.How.RAN, done, ""))).isTrue();
    assertThat(Notification.due(RunOutcome.of(RunOutcome.How.ALREADY_SUCCEEDED, done, "")))
        .isFalse();
    assertThat(Notification.due(RunOutcome.of(RunOutcome.How.ATTACHED, done, ""))).isFalse();
    assertThat(Notification.due(RunOutcome.cancelled(record("x"), ""))).isFalse();
    assertThat(
            Notification.due(
                RunOutcome.stopped(Reason.DATABASE_UNREACHABLE, RunOutcome.How.REFUSED, null, "")))
        .isFalse();
    assertThat(ExitCode.SUCCEEDED.code()).isZero();
  }

  @Test
  @DisplayName("URLs from flags, the spec and $KUBEMIGRATE_NOTIFY: each once, in order")
  void urls() {
    assertThat(
            Webhooks.urls(
                List.of("https://hooks.slack.com/services/T/B/x", "http://127.0.0.1:9/a"),
                " https://example.com/h,https://hooks.slack.com/services/T/B/x\nhttps://c.example/x ",
                "--notify"))
        .containsExactly(
            "https://hooks.slack.com/services/T/B/x",
            "http://127.0.0.1:9/a",
            "https://example.com/h",
            "https://c.example/x");
    assertThat(Webhooks.urls(List.of(), null, "--notify")).isEmpty();
    assertThat(Webhooks.urls(null, "  ", "--notify")).isEmpty();
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "ftp://files.example/secret-token-1|ftp://files.example/…|http:// or https://",
        "hooks.slack.com/services/secret-token-1|'…'|http:// or https://",
        "https://user:secret-token-1@hooks.example/x|https://hooks.example/…|user and password",
        "https://hooks example/secret-token-1|'…'|not a URL",
      })
  @DisplayName("A bad URL: exit 2, naming the flag and what is accepted, never its secret part")
  void badUrls(String url, String shown, String accepted) {
    assertThatThrownBy(() -> Webhooks.urls(List.of(url), null, "--notify, spec.notify"))
        .isInstanceOf(KubemigrateException.class)
        .satisfies(e -> assertThat(((KubemigrateException) e).exitCode()).isEqualTo(ExitCode.USAGE))
        .hasMessageContaining("(--notify, spec.notify)")
        .hasMessageContaining(accepted)
        .hasMessageContaining(shown)
        .hasMessageNotContaining("secret-token-1");
  }

  @ParameterizedTest
  @CsvSource({
    "https://hooks.slack.com/services/T0/B0/XXXX, https://hooks.slack.com/…",
    "http://127.0.0.1:8080/hook?token=s, http://127.0.0.1:8080/…",
    "https://example.com, https://example.com",
    "https://example.com?token=s, https://example.com/…",
  })
  @DisplayName(
      "A URL for people: scheme, host and port; the path and query, where tokens live, left out")
  void shown(String url, String shown) {
    assertThat(Webhooks.shown(url)).isEqualTo(shown);
  }
}
