package dev.kubemigrate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * `run --notify` on the real cluster, to a webhook receiver in the test on loopback (the JDK's HTTP
 * server) that answers as each test says.
 */
@ExtendWith(LocalCluster.class)
class NotifyIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TOKEN = "T0SECRET/B0SECRET/xoxsecret";

  private HttpServer receiver;
  private final List<String> bodies = Collections.synchronizedList(new ArrayList<>());
  private final AtomicInteger requests = new AtomicInteger();

  /** A receiver answering {@code statuses} in turn, the last from then on; its URL. */
  private String receiver(int... statuses) throws IOException {
    receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    receiver.createContext(
        "/",
        x -> {
          int n = requests.getAndIncrement();
          int status = statuses[Math.min(n, statuses.length - 1)];
          if (status == 200) {
            bodies.add(new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
          }
          x.sendResponseHeaders(status, -1);
          x.close();
        });
    receiver.start();
    return "http://127.0.0.1:" + receiver.getAddress().getPort() + "/services/" + TOKEN;
  }

  @AfterEach
  void stop() {
    if (receiver != null) {
      receiver.stop(0);
    }
  }

  @Test
  @DisplayName(
      "A run that succeeds and one that fails each post one message (the receiver busy twice"
          + " first), with the fields, a failure's reason, hint and log tail, and no secret")
  void successAndFailureAreEachPostedOnce(Kubemigrate km, TestNamespace ns, KubernetesClient client)
      throws Exception {
    String url = receiver(503, 503, 200);
    client
        .secrets()
        .inNamespace(ns.name())
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName("db")
                .endMetadata()
                .addToStringData("DB_PASSWORD", "from-the-secret-pw")
                .build())
        .create();
    // A success, with a secret in a literal env value (warned of) and one from a Secret
    Args first =
        Args.busyboxRun(ns, "shop", "1")
            .option("--notify", url)
            .option("--env", "API_TOKEN=literal-secret-pw")
            .option("--env-from", "secret/db")
            .sh("echo applied 1");
    Kubemigrate.Result ok = km.run(first.build());
    assertThat(ok.exitCode()).as(ok.toString()).isZero();
    assertThat(ok.stderr())
        .contains("notified http://127.0.0.1:" + receiver.getAddress().getPort() + "/… (HTTP 200)")
        .doesNotContain(TOKEN);
    assertThat(requests).as("two 503s, then the message").hasValue(3);
    assertThat(bodies).hasSize(1);
    JsonNode success = JSON.readTree(bodies.get(0));
    assertThat(success.get("text").asText())
        .startsWith(":white_check_mark: kubemigrate: shop 1 (pre) migrated in");
    assertThat(success.get("app").asText()).isEqualTo("shop");
    assertThat(success.get("version").asText()).isEqualTo("1");
    assertThat(success.get("state").asText()).isEqualTo("Succeeded");
    assertThat(success.get("exitCode").asInt()).isZero();
    assertThat(success.get("namespace").asText()).isEqualTo(ns.name());
    assertThat(success.has("durationSeconds")).isTrue();
    assertThat(success.has("logTail")).isFalse();

    // A failure, to the same receiver (now answering 200), named in $KUBEMIGRATE_NOTIFY
    Kubemigrate.Result failed =
        km.start(
                Map.of("KUBEMIGRATE_NOTIFY", url),
                Args.busyboxRun(ns, "shop", "2")
                    .option("--env", "API_TOKEN=literal-secret-pw")
                    .sh("echo step 1; echo 'ERROR: relation orders already exists'; exit 1")
                    .list())
            .await(Duration.ofMinutes(3));
    assertThat(failed.exitCode()).as(failed.toString()).isEqualTo(1);
    assertThat(bodies).hasSize(2);
    JsonNode failure = JSON.readTree(bodies.get(1));
    assertThat(failure.get("text").asText())
        .startsWith(":x: kubemigrate: shop 2 (pre) failed: Error:")
        .contains("What to do:");
    assertThat(failure.get("state").asText()).isEqualTo("Failed");
    assertThat(failure.get("reason").asText()).isEqualTo("Error");
    assertThat(failure.get("exitCode").asInt()).isEqualTo(1);
    assertThat(failure.get("hint").asText()).isNotBlank();
    assertThat(failure.get("logTail").asText()).contains("ERROR: relation orders already exists");
    // No secret value, and not the webhook's token, in any message
    assertThat(bodies)
        .allSatisfy(
            b ->
                assertThat(b)
                    .doesNotContain("literal-secret-pw")
                    .doesNotContain("from-the-secret-pw")
                    .doesNotContain(TOKEN));
    // The version found done notifies nothing
    Kubemigrate.Result again = km.run(first.build());
    assertThat(again.exitCode()).as(again.toString()).isZero();
    assertThat(bodies).hasSize(2);
  }

  @Test
  @DisplayName(
      "A receiver that is down leaves the exit code as it is; a bad --notify is exit 2 before"
          + " anything is created")
  void notificationsNeverChangeTheResult(
      Kubemigrate km, TestNamespace ns, KubernetesClient client) {
    // Nothing listens on port 1 of loopback
    Kubemigrate.Result ok =
        km.run(
            Args.busyboxRun(ns, "shop", "1")
                .option("--notify", "http://127.0.0.1:1/services/" + TOKEN)
                .sh("echo applied")
                .build());
    assertThat(ok.exitCode()).as(ok.toString()).isZero();
    assertThat(ok.stderr())
        .contains("warning: could not notify http://127.0.0.1:1/…")
        .contains("the run's result stands")
        .doesNotContain(TOKEN);

    Kubemigrate.Result bad =
        km.run(
            Args.busyboxRun(ns, "shop", "2")
                .option("--notify", "hooks.slack.com/services/" + TOKEN)
                .sh("echo never")
                .build());
    assertThat(bad.exitCode()).isEqualTo(2);
    assertThat(bad.stderr().strip().lines())
        .anyMatch(l -> l.contains("(--notify, spec.notify)") && l.contains("https://"));
    assertThat(bad.stderr()).doesNotContain(TOKEN);
    assertThat(Records.all(client, ns)).hasSize(1); // version 1's only
  }
}
