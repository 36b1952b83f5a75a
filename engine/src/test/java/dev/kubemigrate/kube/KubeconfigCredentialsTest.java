package dev.kubemigrate.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the kubeconfig check and the client set-up read of a user's and a cluster's credentials. */
class KubeconfigCredentialsTest {

  @Test
  @DisplayName("An EC key in PKCS#8 is told apart from RSA in PKCS#8, other PEM kinds and junk")
  void pkcs8EcKey() throws Exception {
    for (String curve : new String[] {"secp256r1", "secp384r1", "secp521r1"}) {
      KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
      ec.initialize(new java.security.spec.ECGenParameterSpec(curve));
      byte[] key = pem("PRIVATE KEY", ec.generateKeyPair().getPrivate().getEncoded());
      assertThat(KubeconfigCredentials.isPkcs8EcKey(key)).as(curve).isTrue();
    }
    KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
    rsa.initialize(1024);
    byte[] rsaDer = rsa.generateKeyPair().getPrivate().getEncoded();
    assertThat(KubeconfigCredentials.isPkcs8EcKey(pem("PRIVATE KEY", rsaDer))).isFalse();
    // The header names the kind: the client reads these as they say
    KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
    byte[] ecDer = ec.generateKeyPair().getPrivate().getEncoded();
    assertThat(KubeconfigCredentials.isPkcs8EcKey(pem("EC PRIVATE KEY", ecDer))).isFalse();
    assertThat(KubeconfigCredentials.isPkcs8EcKey(pem("RSA PRIVATE KEY", rsaDer))).isFalse();
    for (String junk :
        new String[] {
          "",
          "junk",
          "-----BEGIN PRIVATE KEY-----\n%%%\n-----END PRIVATE KEY-----\n",
          "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n",
          "-----END PRIVATE KEY-----\n-----BEGIN PRIVATE KEY-----\n"
        }) {
      assertThat(KubeconfigCredentials.isPkcs8EcKey(junk.getBytes(StandardCharsets.US_ASCII)))
          .as(junk)
          .isFalse();
    }
  }

  @Test
  @DisplayName(
      "A user's tokenFile is read, from the kubeconfig's directory (the client alone ignores it)")
  void tokenFileIsRead(@TempDir Path dir) throws Exception {
    Files.createDirectories(dir.resolve("tokens"));
    Files.writeString(dir.resolve("tokens/shop"), "abc.def\n");
    Path kubeconfig = dir.resolve("config");
    Files.writeString(
        kubeconfig,
        "apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster: {server: 'https://127.0.0.1:1'}\n"
            + "users:\n- name: u\n  user: {tokenFile: tokens/shop}\n"
            + "contexts:\n- name: x\n  context: {cluster: c, user: u}\ncurrent-context: x\n");
    try (KubernetesClient client = KubeClients.create(kubeconfig.toString(), null)) {
      assertThat(client.getConfiguration().getOauthToken()).isEqualTo("abc.def");
    }
  }

  @Test
  @DisplayName(
      "With several $KUBECONFIG files, a user's relative paths are read from its own file's"
          + " directory")
  void relativeToTheFileThatDefinesTheUser(@TempDir Path dir) throws Exception {
    Path a = Files.createDirectories(dir.resolve("a")).resolve("config");
    Path b = Files.createDirectories(dir.resolve("b")).resolve("config");
    Files.writeString(
        a,
        "apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster: {server: 'https://127.0.0.1:1'}\n"
            + "contexts:\n- name: x\n  context: {cluster: c, user: u}\ncurrent-context: x\n");
    Files.writeString(
        b, "apiVersion: v1\nkind: Config\nusers:\n- name: u\n  user: {client-key: u.key}\n");
    String env = a + java.io.File.pathSeparator + b;
    assertThatThrownBy(() -> Kubeconfigs.resolve(null, env, dir, null, false))
        .hasMessageContaining(
            "kubeconfig "
                + b
                + ": user 'u': client-key "
                + b.getParent().resolve("u.key")
                + ": no such file");
    Files.writeString(
        b.getParent().resolve("u.key"),
        "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");
    assertThat(Kubeconfigs.resolve(null, env, dir, null, false).files()).containsExactly(a, b);
  }

  @Test
  @DisplayName(
      "A certificate is found among other PEM blocks (a key, a CRL), as kubectl finds it; none in"
          + " junk")
  void certificateAmongOtherBlocks() throws Exception {
    KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
    byte[] key = pem("PRIVATE KEY", ec.generateKeyPair().getPrivate().getEncoded());
    byte[] junkCert =
        "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"
            .getBytes(StandardCharsets.US_ASCII);
    byte[] crl =
        "-----BEGIN X509 CRL-----\nAAAA\n-----END X509 CRL-----\n"
            .getBytes(StandardCharsets.US_ASCII);
    byte[] cert = selfSigned();
    assertThat(KubeconfigCredentials.holdsCertificate(cert)).isTrue();
    assertThat(KubeconfigCredentials.holdsCertificate(concat(cert, key, crl))).isTrue();
    assertThat(KubeconfigCredentials.holdsCertificate(concat(key, junkCert, cert))).isTrue();
    assertThat(KubeconfigCredentials.holdsCertificate(concat(key, crl))).isFalse();
    assertThat(KubeconfigCredentials.holdsCertificate(junkCert)).isFalse();
    assertThat(KubeconfigCredentials.holdsCertificate(new byte[0])).isFalse();
  }

  /** A self-signed certificate, PEM, from the JDK's keytool. */
  private static byte[] selfSigned() throws Exception {
    Path dir = Files.createTempDirectory("cert");
    String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
    List<String> common =
        List.of(
            "-storetype",
            "PKCS12",
            "-storepass",
            "changeit",
            "-keystore",
            dir.resolve("s.p12").toString());
    List<String> make =
        new java.util.ArrayList<>(
            List.of(keytool, "-genkeypair", "-alias", "s", "-keyalg", "EC", "-dname", "CN=s"));
    make.addAll(common);
    List<String> export =
        new java.util.ArrayList<>(List.of(keytool, "-exportcert", "-rfc", "-alias", "s"));
    export.addAll(common);
    Process p = new ProcessBuilder(make).redirectErrorStream(true).start();
    p.getInputStream().readAllBytes();
    assertThat(p.waitFor()).isZero();
    Process q = new ProcessBuilder(export).start();
    byte[] out = q.getInputStream().readAllBytes();
    assertThat(q.waitFor()).isZero();
    return out;
  }

  private static byte[] concat(byte[]... parts) {
    java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
    for (byte[] part : parts) {
      all.writeBytes(part);
    }
    return all.toByteArray();
  }

  private static byte[] pem(String kind, byte[] der) {
    return ("-----BEGIN "
            + kind
            + "-----\n"
            + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(der)
            + "\n-----END "
            + kind
            + "-----\n")
        .getBytes(StandardCharsets.US_ASCII);
  }
}
