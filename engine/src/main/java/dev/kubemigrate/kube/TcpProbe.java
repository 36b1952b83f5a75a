package dev.kubemigrate.kube;

import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpConnectTimeoutException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * A TCP connection to the API server's address, made on a thread of its own while the client is
 * made: whether the address answers, apart from how long the TLS handshake then takes.
 */
final class TcpProbe {

  private TcpProbe() {}

  /** Connects to {@code url}'s host and port, within {@code timeout}; done when it has. */
  static CompletableFuture<Void> start(String url, Duration timeout) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    URI uri;
    try {
      uri = URI.create(url);
    } catch (IllegalArgumentException e) {
      done.complete(null); // the client says what is wrong with the address
      return done;
    }
    String host = uri.getHost();
    int port = uri.getPort() >= 0 ? uri.getPort() : "http".equals(uri.getScheme()) ? 80 : 443;
    if (host == null) {
      done.complete(null);
      return done;
    }
    Thread thread =
        new Thread(
            () -> {
              try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(host, port), (int) timeout.toMillis());
                done.complete(null);
              } catch (SocketTimeoutException e) {
                done.completeExceptionally(new HttpConnectTimeoutException("connect timed out"));
              } catch (IOException | RuntimeException e) {
                done.completeExceptionally(e);
              }
            },
            "kubemigrate-tcp-probe");
    thread.setDaemon(true);
    thread.start();
    return done;
  }

  /**
   * Waits for {@code probe}; when the address did not answer, throws its reason (timed out,
   * refused, host not found) as the client's own connection would.
   */
  static void await(CompletableFuture<Void> probe) {
    try {
      probe.join();
    } catch (CompletionException e) {
      Throwable cause = e.getCause();
      // As the client's own failure to connect reaches its callers, which say why (ApiErrors).
      throw new KubernetesClientException(String.valueOf(cause.getMessage()), cause);
    }
  }
}
