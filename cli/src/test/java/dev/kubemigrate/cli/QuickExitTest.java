package dev.kubemigrate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The threads that made the JVM's exit wait: the JDK HTTP clients' selector threads, in native code
 * while their client lives. After {@link QuickExit#prepare} none is left, however many clients.
 */
class QuickExitTest {

  private HttpServer server;
  private URI base;

  @BeforeEach
  void serve() throws Exception {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/",
        exchange -> {
          byte[] body =
              "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"r\"}}"
                  .getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", "application/json");
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    server.start();
    base = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private static Set<Thread> selectorThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().endsWith(QuickExit.SELECTOR_THREAD_SUFFIX) && t.isAlive())
        .collect(Collectors.toSet());
  }

  @Test
  void wakesTheSelectorThreadsOfEveryClient() throws Exception {
    for (int clients : new int[] {1, 3}) {
      List<HttpClient> kept = new ArrayList<>();
      for (int i = 0; i < clients; i++) {
        HttpClient http = HttpClient.newHttpClient();
        kept.add(http);
        HttpResponse<String> r =
            http.send(HttpRequest.newBuilder(base).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
      }
      assertThat(selectorThreads()).as("%d clients", clients).hasSizeGreaterThanOrEqualTo(clients);

      QuickExit.prepare();

      assertThat(selectorThreads()).as("%d clients, still referenced: %s", clients, kept).isEmpty();
    }
  }

  @Test
  void wakesTheKubernetesClientsSelectorThread() {
    Config config = new ConfigBuilder().withMasterUrl(base.toString()).withNamespace("ns").build();
    try (KubernetesClient client =
        new KubernetesClientBuilder()
            .withConfig(config)
            .withHttpClientFactory(new JdkHttpClientFactory())
            .build()) {
      assertThat(client.configMaps().withName("r").get().getMetadata().getName()).isEqualTo("r");
      assertThat(selectorThreads()).isNotEmpty();

      QuickExit.prepare();

      assertThat(selectorThreads()).isEmpty();
    }
  }
}
