package dev.kubemigrate.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client trusts the API server as kubectl does: with the kubeconfig's CA alone, not that CA
 * added to the JDK's. A TLS server on loopback presents a certificate that the JVM's default trust
 * store ({@code javax.net.ssl.trustStore}) trusts and the kubeconfig's CA does not.
 */
class ClusterTrustTest {

  private static final String PASS = "changeit";

  @TempDir static Path dir;
  private static HttpsServer server;
  private static SSLServerSocket mutual;
  private static String serverPem;
  private static String otherPem;

  @BeforeAll
  static void serve() throws Exception {
    keytool(
        "-genkeypair",
        "-alias",
        "server",
        "-keyalg",
        "EC",
        "-dname",
        "CN=api-server",
        "-ext",
        "san=ip:127.0.0.1",
        "-keystore",
        "server.p12");
    keytool(
        "-genkeypair",
        "-alias",
        "other",
        "-keyalg",
        "EC",
        "-dname",
        "CN=other-ca",
        "-keystore",
        "other.p12");
    serverPem = keytool("-exportcert", "-rfc", "-alias", "server", "-keystore", "server.p12");
    otherPem = keytool("-exportcert", "-rfc", "-alias", "other", "-keystore", "other.p12");
    Files.writeString(dir.resolve("server.pem"), serverPem);
    keytool(
        "-importcert",
        "-noprompt",
        "-alias",
        "public",
        "-file",
        "server.pem",
        "-keystore",
        "default.p12");

    KeyStore keys = store("server.p12");
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(keys, PASS.toCharArray());
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(kmf.getKeyManagers(), null, null);
    server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setHttpsConfigurator(new HttpsConfigurator(tls));
    server.createContext("/version", ClusterTrustTest::version);
    server.start();

    // The same server certificate, asking for a client certificate signed by "client-ca" (a
    // self-signed client certificate: its own CA)
    keytool(
        "-genkeypair",
        "-alias",
        "client",
        "-keyalg",
        "RSA",
        "-dname",
        "CN=client-ca",
        "-keystore",
        "client.p12");
    keytool(
        "-genkeypair",
        "-alias",
        "stranger",
        "-keyalg",
        "RSA",
        "-dname",
        "CN=stranger",
        "-keystore",
        "stranger.p12");
    Files.writeString(
        dir.resolve("client.pem"),
        keytool("-exportcert", "-rfc", "-alias", "client", "-keystore", "client.p12"));
    keytool(
        "-importcert",
        "-noprompt",
        "-alias",
        "client",
        "-file",
        "client.pem",
        "-keystore",
        "clients.p12");
    // An elliptic-curve client key, which keytool's store gives as PKCS#8 (BEGIN PRIVATE KEY)
    keytool(
        "-genkeypair",
        "-alias",
        "ecclient",
        "-keyalg",
        "EC",
        "-dname",
        "CN=ec-client",
        "-keystore",
        "ecclient.p12");
    Files.writeString(
        dir.resolve("ecclient.pem"),
        keytool("-exportcert", "-rfc", "-alias", "ecclient", "-keystore", "ecclient.p12"));
    keytool(
        "-importcert",
        "-noprompt",
        "-alias",
        "ecclient",
        "-file",
        "ecclient.pem",
        "-keystore",
        "clients.p12");
    KeyStore clients = store("clients.p12");
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(clients);
    SSLContext mtls = SSLContext.getInstance("TLS");
    mtls.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
    // A server socket, not HttpsServer: on a client certificate it refuses, an SSLSocket sends
    // the alert that says why before it closes (as the Go API server does); HttpsServer only
    // closes the connection.
    mutual =
        (SSLServerSocket)
            mtls.getServerSocketFactory()
                .createServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
    mutual.setNeedClientAuth(true);
    Thread accept = new Thread(ClusterTrustTest::serveMutual, "mutual-tls");
    accept.setDaemon(true);
    accept.start();
  }

  @AfterAll
  static void stop() {
    server.stop(0);
    try {
      mutual.close();
    } catch (IOException e) {
      // closing
    }
  }

  @Test
  @DisplayName("The kubeconfig's CA signed the server's certificate: the client connects")
  void theClustersCaIsTrusted() throws Exception {
    try (KubernetesClient client = KubeClients.create(kubeconfig(serverPem), null)) {
      assertThat(client.getKubernetesVersion().getGitVersion()).isEqualTo("v1.20.2");
    }
    // and with the CA in a bundle after another one, as a CA rotation leaves it
    try (KubernetesClient client = KubeClients.create(kubeconfig(otherPem + serverPem), null)) {
      assertThat(client.getKubernetesVersion().getGitVersion()).isEqualTo("v1.20.2");
    }
  }

  @Test
  @DisplayName("A CA the JDK trusts but the kubeconfig does not name is refused, as kubectl does")
  void onlyTheKubeconfigsCa() throws Exception {
    String before = System.getProperty("javax.net.ssl.trustStore");
    String beforePass = System.getProperty("javax.net.ssl.trustStorePassword");
    System.setProperty("javax.net.ssl.trustStore", dir.resolve("default.p12").toString());
    System.setProperty("javax.net.ssl.trustStorePassword", PASS);
    try {
      String path = kubeconfig(otherPem);
      // fabric8 alone adds the kubeconfig's CA to the JVM's trust store: it connects.
      try (KubernetesClient plain =
          new KubernetesClientBuilder()
              .withConfig(Config.fromKubeconfig(null, Path.of(path).toFile()))
              .build()) {
        assertThat(plain.getKubernetesVersion().getGitVersion()).isEqualTo("v1.20.2");
      }
      try (KubernetesClient client = KubeClients.create(path, null)) {
        assertThatThrownBy(client::getKubernetesVersion)
            .satisfies(
                e -> {
                  Throwable t = e;
                  while (t != null && !(t instanceof SSLHandshakeException)) {
                    t = t.getCause();
                  }
                  assertThat(t).as("an SSLHandshakeException in %s", e.toString()).isNotNull();
                  assertThat(ApiErrors.find(client, e).orElseThrow().getMessage())
                      .contains("TLS failed")
                      .contains("not signed by a CA this client trusts");
                });
      }
    } finally {
      restore("javax.net.ssl.trustStore", before);
      restore("javax.net.ssl.trustStorePassword", beforePass);
    }
  }

  @Test
  @DisplayName("No CA, insecure-skip-tls-verify or a trust store file: fabric8's own handling")
  void otherwiseFabric8Decides() throws Exception {
    String data = Base64.getEncoder().encodeToString(serverPem.getBytes(StandardCharsets.US_ASCII));
    Config none = Config.empty();
    assertThat(ClusterTrust.onlyTheCa(none)).isNull();
    Config insecure = Config.empty();
    insecure.setCaCertData(data);
    insecure.setTrustCerts(true);
    assertThat(ClusterTrust.onlyTheCa(insecure)).isNull();
    Config store = Config.empty();
    store.setCaCertData(data);
    store.setTrustStoreFile(dir.resolve("default.p12").toString());
    assertThat(ClusterTrust.onlyTheCa(store)).isNull();

    for (List<String> bundle : List.of(List.of(serverPem), List.of(serverPem, otherPem))) {
      Config config = Config.empty();
      Files.writeString(dir.resolve("ca.crt"), String.join("", bundle));
      config.setCaCertFile(dir.resolve("ca.crt").toString());
      X509TrustManager tm = (X509TrustManager) ClusterTrust.onlyTheCa(config)[0];
      assertThat(tm.getAcceptedIssuers())
          .as("from a file of %d", bundle.size())
          .hasSize(bundle.size());
    }
  }

  /** Answers each connection's first request with the version, HTTP/1.1, then closes it. */
  private static void serveMutual() {
    while (!mutual.isClosed()) {
      try (SSLSocket socket = (SSLSocket) mutual.accept()) {
        socket.startHandshake();
        java.io.BufferedReader in =
            new java.io.BufferedReader(
                new java.io.InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
        for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
          // the request's headers
        }
        byte[] body = VERSION.getBytes(StandardCharsets.UTF_8);
        socket
            .getOutputStream()
            .write(
                ("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n"
                        + "Content-Length: "
                        + body.length
                        + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().write(body);
        socket.getOutputStream().flush();
      } catch (IOException e) {
        // a refused handshake (its alert sent), or the socket closed at the end
      }
    }
  }

  private static final String VERSION =
      "{\"major\":\"1\",\"minor\":\"20\",\"gitVersion\":\"v1.20.2\"}";

  private static void version(com.sun.net.httpserver.HttpExchange exchange) throws IOException {
    byte[] body = VERSION.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "application/json");
    exchange.sendResponseHeaders(200, body.length);
    exchange.getResponseBody().write(body);
    exchange.close();
  }

  @Test
  @DisplayName(
      "A server that asks for the client certificate gets the kubeconfig's, RSA or EC (PKCS#8); a"
          + " key that does not match it, or a certificate the server does not trust, is said as"
          + " such")
  void clientCertificate() throws Exception {
    String cert = Files.readString(dir.resolve("client.pem"));
    String key = privateKeyPem("client.p12", "client");
    String strangerCert =
        keytool("-exportcert", "-rfc", "-alias", "stranger", "-keystore", "stranger.p12");
    String strangerKey = privateKeyPem("stranger.p12", "stranger");
    // The pair the server trusts: the client connects (the certificate was set aside while
    // fabric8's common set-up ran, and given to TLS after)
    try (KubernetesClient client =
        KubeClients.create(kubeconfig(mutual.getLocalPort(), serverPem, cert, key), null)) {
      assertThat(client.getKubernetesVersion().getGitVersion()).isEqualTo("v1.20.2");
    }
    // An elliptic-curve key in PKCS#8, as kubectl takes it (the client alone reads it as RSA and
    // fails: "Invalid DER")
    String ecKey = privateKeyPem("ecclient.p12", "ecclient");
    assertThat(ecKey).startsWith("-----BEGIN PRIVATE KEY-----");
    try (KubernetesClient client =
        KubeClients.create(
            kubeconfig(
                mutual.getLocalPort(),
                serverPem,
                Files.readString(dir.resolve("ecclient.pem")),
                ecKey),
            null)) {
      assertThat(client.getKubernetesVersion().getGitVersion()).isEqualTo("v1.20.2");
    }
    // A key that is not the certificate's, a certificate the server does not trust
    for (List<String> pair :
        List.of(List.of(cert, strangerKey), List.of(strangerCert, strangerKey))) {
      try (KubernetesClient client =
          KubeClients.create(
              kubeconfig(mutual.getLocalPort(), serverPem, pair.get(0), pair.get(1)), null)) {
        assertThatThrownBy(client::getKubernetesVersion)
            .satisfies(
                e ->
                    assertThat(ApiErrors.find(client, e).orElseThrow().getMessage())
                        .as(chain(e))
                        .contains("TLS failed")
                        .contains("the API server refused the handshake"));
      }
    }
  }

  private static String chain(Throwable e) {
    StringBuilder all = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause()) {
      all.append(" <- ").append(t);
    }
    return all.toString();
  }

  /** The PKCS12 store {@code name} that keytool made in {@link #dir}. */
  private static KeyStore store(String name) throws Exception {
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(dir.resolve(name))) {
      store.load(in, PASS.toCharArray());
    }
    return store;
  }

  /** The private key of {@code alias} in {@code store}, as PEM (PKCS#8). */
  private static String privateKeyPem(String store, String alias) throws Exception {
    byte[] der = store(store).getKey(alias, PASS.toCharArray()).getEncoded();
    return "-----BEGIN PRIVATE KEY-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
        + "\n-----END PRIVATE KEY-----\n";
  }

  private static void restore(String key, String value) {
    if (value == null) {
      System.clearProperty(key);
    } else {
      System.setProperty(key, value);
    }
  }

  private static String kubeconfig(String caPem) throws Exception {
    return kubeconfig(server.getAddress().getPort(), caPem, null, null);
  }

  /** A kubeconfig for {@code to}, with a client certificate and key when they are given. */
  private static String kubeconfig(int port, String caPem, String certPem, String keyPem)
      throws Exception {
    Path file = Files.createTempFile(dir, "kubeconfig", "");
    String ca = Base64.getEncoder().encodeToString(caPem.getBytes(StandardCharsets.US_ASCII));
    String user =
        certPem == null
            ? "    token: t"
            : "    client-certificate-data: "
                + Base64.getEncoder().encodeToString(certPem.getBytes(StandardCharsets.US_ASCII))
                + "\n    client-key-data: "
                + Base64.getEncoder().encodeToString(keyPem.getBytes(StandardCharsets.US_ASCII));
    Files.writeString(
        file,
        String.join(
            "\n",
            "apiVersion: v1",
            "kind: Config",
            "clusters:",
            "- name: c",
            "  cluster:",
            "    server: https://127.0.0.1:" + port,
            "    certificate-authority-data: " + ca,
            "users:",
            "- name: u",
            "  user:",
            user,
            "contexts:",
            "- name: x",
            "  context: {cluster: c, user: u}",
            "current-context: x",
            ""));
    return file.toString();
  }

  /** Runs the JDK's keytool in {@link #dir} with the store password; returns its output. */
  private static String keytool(String... args) throws Exception {
    List<String> command = new java.util.ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    command.addAll(List.of(args));
    command.addAll(List.of("-storetype", "PKCS12", "-storepass", PASS));
    Process p =
        new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("keytool %s: %s", String.join(" ", args), out).isZero();
    return out;
  }
}
