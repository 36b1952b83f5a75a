package dev.kubemigrate.kube;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.internal.CertUtils;
import io.fabric8.kubernetes.client.internal.SSLUtils;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import io.fabric8.kubernetes.client.utils.HttpClientUtils;
import java.io.IOException;
import java.io.InputStream;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.Collection;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/**
 * The API server's certificate is trusted as kubectl trusts it: when the kubeconfig (or the pod's
 * service account) gives a CA, that CA alone; when it gives none, the JDK's CAs.
 *
 * <p>fabric8 on its own adds the kubeconfig's CA to the JDK's cacerts: about 140 public CAs, any of
 * which could then vouch for the API server's address, and all of them read and parsed at the start
 * of every command. {@code insecure-skip-tls-verify}, and a trust store file where fabric8 reads
 * one ({@code kubernetes.truststore.file}, on its auto-configured paths), keep fabric8's handling.
 */
final class ClusterTrust extends JdkHttpClientFactory {

  @Override
  public HttpClient.Builder newBuilder(Config config) {
    TrustManager[] onlyTheCa;
    try {
      onlyTheCa = onlyTheCa(config);
    } catch (IOException | GeneralSecurityException e) {
      // Left to fabric8, which reads the same CA and says what is wrong with it.
      onlyTheCa = null;
    }
    if (onlyTheCa == null) {
      return super.newBuilder(config);
    }
    HttpClient.Builder builder = newBuilder();
    // fabric8's common set-up (proxy, timeouts, interceptors) without its trust store and key
    // managers, which are made below: trusting every certificate costs nothing to build, and is
    // replaced before the builder leaves this method. The Config is this client's own and nothing
    // else reads it meanwhile.
    String certData = config.getClientCertData();
    String certFile = config.getClientCertFile();
    config.setTrustCerts(true);
    config.setClientCertData(null);
    config.setClientCertFile(null);
    try {
      HttpClientUtils.applyCommonConfiguration(config, builder, this);
    } finally {
      config.setTrustCerts(false);
      config.setClientCertData(certData);
      config.setClientCertFile(certFile);
    }
    try {
      return builder.sslContext(SSLUtils.keyManagers(config), onlyTheCa);
    } catch (IOException | GeneralSecurityException e) {
      throw io.fabric8.kubernetes.client.KubernetesClientException.launderThrowable(e);
    }
  }

  /**
   * Trust managers that trust only the CA certificates {@code config} names, or null where
   * fabric8's own handling applies: no CA given, {@code insecure-skip-tls-verify}, or a trust store
   * file.
   */
  static TrustManager[] onlyTheCa(Config config) throws IOException, GeneralSecurityException {
    boolean noCa = blank(config.getCaCertData()) && blank(config.getCaCertFile());
    if (noCa || config.isTrustCerts() || !blank(config.getTrustStoreFile())) {
      return null;
    }
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    Collection<? extends Certificate> cas;
    try (InputStream pem =
        CertUtils.getInputStreamFromDataOrFile(config.getCaCertData(), config.getCaCertFile())) {
      // Block by block: a bundle may hold a key or a CRL too, which kubectl skips.
      cas = KubeconfigCredentials.certificates(pem.readAllBytes());
    }
    if (cas.isEmpty()) {
      return null;
    }
    int i = 0;
    for (Certificate ca : cas) {
      store.setCertificateEntry("ca-" + i++, ca);
    }
    TrustManagerFactory factory =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init(store);
    return factory.getTrustManagers();
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }
}
