package dev.kubemigrate.notify;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.kubemigrate.api.RunListener;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A real HTTP receiver on loopback (the JDK's server), answering as a test says. */
class NotifierTest {

  private HttpServer server;
  private final List<String> bodies = Collections.synchronizedList(new ArrayList<>());
  private final List<String> paths = Collections.synchronizedList(new ArrayList<>());
  private final AtomicInteger calls = new AtomicInteger();

  /** Starts a receiver that answers {@code statuses} in turn (the last one from then on). */
  private String receiver(int... statuses) throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/",
        exchange -> {
          int n = calls.getAndIncrement();
          bodies.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
          paths.add(exchange.getRequestURI().toString());
          int status = statuses[Math.min(n, statuses.length - 1)];
          exchange.sendResponseHeaders(status, -1);
          exchange.close();
        });
    server.start();
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/hooks/T0/secret-token-7";
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop(0);
    }
  }

  private List<String> send(String... urls) {
    List<String> said = Collections.synchronizedList(new ArrayList<>());
    new Notifier(Duration.ofMillis(20)).send(List.of(urls), message(), listener(said));
    return said;
  }

  @Test
  @DisplayName("A receiver that answers 200: one POST of the JSON, said with its host only")
  void delivered() throws IOException {
    String url = receiver(200);
    List<String> said = send(url);
    assertThat(calls).hasValue(1);
    assertThat(bodies).containsExactly("{\"text\":\"shop 1 migrated\",\"app\":\"shop\"}");
    assertThat(paths).containsExactly("/hooks/T0/secret-token-7");
    assertThat(said).containsExactly("notified http://127.0.0.1:" + port() + "/… (HTTP 200)");
  }

  @ParameterizedTest(name = "{0} then 200")
  @CsvSource({"500", "502", "503", "429"})
  @DisplayName("A receiver busy or down for a moment (429, 5xx) is tried again, and gets it once")
  void retried(int first) throws IOException {
    String url = receiver(first, first, 204);
    List<String> said = send(url);
    assertThat(calls).hasValue(3);
    assertThat(said).singleElement().asString().startsWith("notified ").endsWith("(HTTP 204)");
  }

  @ParameterizedTest
  @CsvSource({"400", "403", "404"})
  @DisplayName("A receiver that refuses the message (4xx) is not asked again: a warning, no secret")
  void refused(int status) throws IOException {
    String url = receiver(status);
    List<String> said = send(url);
    assertThat(calls).hasValue(1);
    assertThat(said)
        .singleElement()
        .asString()
        .isEqualTo(
            "warning: could not notify http://127.0.0.1:"
                + port()
                + "/… (HTTP "
                + status
                + "); the run's result stands");
  }

  @Test
  @DisplayName("Nothing listens: three tries, then a warning; the URL's token is never said")
  void unreachable() throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    long start = System.nanoTime();
    List<String> said = send("http://127.0.0.1:" + port + "/hooks/secret-token-7");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    assertThat(said)
        .singleElement()
        .asString()
        .startsWith("warning: could not notify http://127.0.0.1:" + port + "/… (")
        .endsWith("); the run's result stands")
        .doesNotContain("secret-token-7");
  }

  @Test
  @DisplayName("Several URLs: each gets the message once, one failing does not stop the others")
  void several() throws IOException {
    String url = receiver(200);
    List<String> said = send(url, url.replace("secret-token-7", "other"), "http://127.0.0.1:1/x");
    assertThat(calls).hasValue(2);
    assertThat(said).hasSize(3).filteredOn(l -> l.startsWith("notified")).hasSize(2);
  }

  /** The payload, its fields in order as a Notification's are (text first). */
  private static Map<String, Object> message() {
    Map<String, Object> m = new java.util.LinkedHashMap<>();
    m.put("text", "shop 1 migrated");
    m.put("app", "shop");
    return m;
  }

  private int port() {
    return server.getAddress().getPort();
  }

  private static RunListener listener(List<String> said) {
    return new RunListener() {
      @Override
      public void progress(String line) {
        said.add(line);
      }

      @Override
      public void logLine(String pod, String line) {}
    };
  }
}
