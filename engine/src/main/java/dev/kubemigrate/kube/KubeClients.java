package dev.kubemigrate.kube;

import dev.kubemigrate.api.KubemigrateException;
import dev.kubemigrate.api.Reason;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.http.AsyncBody;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.fabric8.kubernetes.client.http.Interceptor;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Builds the Kubernetes client the way kubectl finds its cluster: {@code --kubeconfig}, else {@code
 * $KUBECONFIG}, else {@code ~/.kube/config}, else the in-cluster service account; {@code --context}
 * picks a context; the namespace is the flag's, else the context's, else the pod's own
 * (in-cluster), else {@code default}.
 */
public final class KubeClients {

  private KubeClients() {}

  /** The JDK's rounds of PBKDF2 for a private key put into a PKCS12 key store (default 10,000). */
  static final String KEY_PBE_ITERATIONS = "keystore.pkcs12.keyPbeIterationCount";

  static {
    lightKeyStoreProtection(System.getProperties());
  }

  /**
   * One round of PBKDF2, not 10,000, for the key stores of this process, unless {@code
   * -Dkeystore.pkcs12.keyPbeIterationCount} says otherwise. The client puts the kubeconfig's client
   * key into an in-memory PKCS12 key store (the JDK's default type) only to hand it to TLS: the JDK
   * encrypts it on the way in and decrypts it on the way out, 20,000 rounds of HMAC-SHA256 in a JVM
   * that has just started, about 0.05 s of every command that uses a client certificate
   * (`bin/kubemigrate await`, 15 pairs alternating). Nothing kubemigrate runs writes a key store to
   * disk, where the rounds would protect something.
   */
  static void lightKeyStoreProtection(java.util.Properties properties) {
    properties.putIfAbsent(KEY_PBE_ITERATIONS, "1");
  }

  /** How long to wait for a TCP connection to the API server before saying it is unreachable. */
  public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

  /** How long the TLS handshake may take once the TCP connection is made (a busy machine). */
  public static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(30);

  /** {@code timeout}, or {@code limit} when that is shorter (at least a second). */
  private static Duration atMost(Duration timeout, Duration limit) {
    if (limit == null || limit.compareTo(timeout) >= 0) {
      return timeout;
    }
    return limit.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : limit;
  }

  private static final Path SERVICE_ACCOUNT_TOKEN =
      Path.of("/var/run/secrets/kubernetes.io/serviceaccount/token");

  /** Retries of a request that failed to connect, or got a 5xx, once the server has answered. */
  private static final int RETRIES_ONCE_REACHED = 5;

  public static KubernetesClient create(String kubeconfig, String context) {
    return create(kubeconfig, context, null);
  }

  /**
   * A client whose connect timeout is {@link #CONNECT_TIMEOUT}, or {@code limit} when that is
   * shorter (at least a second): a command given 3 s does not wait 5 s for a silent address.
   */
  public static KubernetesClient create(String kubeconfig, String context, Duration limit) {
    boolean inPod =
        Files.exists(SERVICE_ACCOUNT_TOKEN)
            || !Optional.ofNullable(System.getenv("KUBERNETES_SERVICE_HOST")).orElse("").isBlank();
    Kubeconfigs.Source source =
        Kubeconfigs.resolve(
            kubeconfig,
            System.getenv("KUBECONFIG"),
            Path.of(System.getProperty("user.home", "/")),
            context,
            inPod);
    Config config =
        source.files().size() == 1
            ? Kubeconfigs.clientConfig(source.files().get(0), context)
            : Config.autoConfigure(context);
    if (config.getMasterUrl() == null || config.getMasterUrl().isBlank()) {
      throw new KubemigrateException(
          Reason.INVALID_KUBECONFIG,
          "no API server address in " + source.origin() + ": set the cluster's server",
          null);
    }
    credentials(config, source);
    Duration connect = atMost(CONNECT_TIMEOUT, limit);
    // The JDK's HTTP client counts the TLS handshake in its connect timeout. On a busy machine
    // (twenty commands starting at once on two cores) the handshake alone took longer than 5 s,
    // and a reachable server was reported as not answering. So the TCP connection is tried on its
    // own, with the connect timeout, while the client is made; the client's own connect timeout
    // then covers the handshake. Through a proxy, the client's connect timeout stays as it was.
    boolean direct = blank(config.getHttpsProxy()) && blank(config.getHttpProxy());
    CompletableFuture<Void> tcp = direct ? TcpProbe.start(config.getMasterUrl(), connect) : null;
    config.setConnectionTimeout(
        (int) (direct ? atMost(HANDSHAKE_TIMEOUT, limit) : connect).toMillis());
    config.setRequestTimeout(30_000);
    // Until the server has answered once, a refused or timed-out connection fails at once: a wrong
    // address is said in well under a second. After that, retries ride out an API server restart.
    config.setRequestRetryBackoffLimit(0);
    config.setRequestRetryBackoffInterval(250);
    config.setWatchReconnectInterval(500);
    AtomicBoolean reached = new AtomicBoolean();
    Interceptor onFirstAnswer =
        new Interceptor() {
          @Override
          public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
            if (tcp != null && !reached.get()) {
              TcpProbe.await(tcp); // the server's address answers, or this request fails as it
            }
          }

          @Override
          public void after(
              HttpRequest request,
              HttpResponse<?> response,
              AsyncBody.Consumer<List<ByteBuffer>> consumer) {
            if (reached.compareAndSet(false, true)) {
              // The client's request settings are this very object: later requests retry.
              config.getRequestConfig().setRequestRetryBackoffLimit(RETRIES_ONCE_REACHED);
            }
          }
        };
    try {
      return new KubernetesClientBuilder()
          .withConfig(config)
          .withHttpClientFactory(new ClusterTrust())
          .withHttpClientBuilderConsumer(
              builder -> builder.addOrReplaceInterceptor("kubemigrate-reached", onFirstAnswer))
          .build();
    } catch (KubernetesClientException e) {
      // Before any request: the credentials it names could not be made into a client (a key
      // whose PEM holds no valid key, a key type the JDK does not know).
      boolean clientCertificate =
          !blank(config.getClientCertData()) || !blank(config.getClientCertFile());
      throw new KubemigrateException(
          Reason.INVALID_KUBECONFIG,
          "no client can be made from "
              + source.origin()
              + ": "
              + ApiErrors.describe(e.getCause() != null ? e.getCause() : e)
              + (clientCertificate ? " (check the user's client-certificate and client-key)" : ""),
          e);
    }
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }

  /**
   * What the client leaves out of the kubeconfig's credentials, added as kubectl has them: the
   * user's tokenFile, an EC key in PKCS#8; and an exec plugin that gave nothing, said as such.
   */
  private static void credentials(Config config, Kubeconfigs.Source source) {
    if (source.tokenFile() != null
        && blank(config.getOauthToken())
        && blank(config.getAutoOAuthToken())) {
      // kubectl's tokenFile, which the client does not read
      try {
        config.setOauthToken(Files.readString(source.tokenFile()).strip());
      } catch (java.io.IOException e) {
        throw new KubemigrateException(
            Reason.INVALID_KUBECONFIG,
            "tokenFile " + source.tokenFile() + " of " + source.origin() + " cannot be read: " + e,
            e);
      }
    }
    boolean noCredentials =
        blank(config.getOauthToken())
            && blank(config.getAutoOAuthToken())
            && config.getOauthTokenProvider() == null
            && blank(config.getClientCertData())
            && blank(config.getClientCertFile())
            && blank(config.getUsername());
    if (source.execPlugin() != null && noCredentials) {
      // The client ran it, and got nothing it could use; its failure went to a log that is off.
      throw new KubemigrateException(
          Reason.INVALID_KUBECONFIG,
          source.execPlugin()
              + " gave no credentials (it failed, or printed no ExecCredential; the client reads"
              + " what it writes to stderr as its output too): run it by hand to see why (an"
              + " expired login, say), or add --verbose",
          null);
    }
    ecKeyAlgorithm(config);
  }

  /** An elliptic-curve client key in PKCS#8 is read as one (the client would read it as RSA). */
  private static void ecKeyAlgorithm(Config config) {
    boolean key = config.getClientKeyData() != null || config.getClientKeyFile() != null;
    if (!key || (config.getClientKeyAlgo() != null && !"RSA".equals(config.getClientKeyAlgo()))) {
      return;
    }
    try (java.io.InputStream in =
        io.fabric8.kubernetes.client.internal.CertUtils.getInputStreamFromDataOrFile(
            config.getClientKeyData(), config.getClientKeyFile())) {
      if (in != null && KubeconfigCredentials.isPkcs8EcKey(in.readAllBytes())) {
        config.setClientKeyAlgo("EC");
      }
    } catch (java.io.IOException e) {
      // The client reads it again and says what is wrong.
    }
  }

  /**
   * The namespace to use: the flag's, else the kubeconfig context's (or the pod's), else default.
   */
  public static String namespace(KubernetesClient client, String flag) {
    if (flag != null && !flag.isBlank()) {
      return flag;
    }
    String ns = client.getConfiguration().getNamespace();
    return ns == null || ns.isBlank() ? "default" : ns;
  }
}
