package dev.kubemigrate.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The API server's address tried on its own, apart from the TLS handshake. */
class TcpProbeTest {

  @Test
  @DisplayName(
      "A listening port answers; a closed one and an unknown host fail as the client would")
  void probes() throws Exception {
    try (ServerSocket listening = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      String url = "https://127.0.0.1:" + listening.getLocalPort();
      TcpProbe.await(TcpProbe.start(url, Duration.ofSeconds(5)));
    }
    int closed;
    try (ServerSocket gone = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closed = gone.getLocalPort();
    }
    assertThatThrownBy(
            () ->
                TcpProbe.await(
                    TcpProbe.start("https://127.0.0.1:" + closed, Duration.ofSeconds(5))))
        .isInstanceOf(KubernetesClientException.class)
        .hasCauseInstanceOf(ConnectException.class);
    assertThatThrownBy(
            () ->
                TcpProbe.await(TcpProbe.start("https://nosuchhost.invalid", Duration.ofSeconds(5))))
        .hasCauseInstanceOf(UnknownHostException.class);
    // An address it cannot read is left to the client
    assertThat(TcpProbe.start("not a url", Duration.ofSeconds(1))).isCompleted();
  }
}
