package dev.kubemigrate.kube;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.util.Base64;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Which client keys are elliptic-curve keys in PKCS#8, the one kind the client misreads. */
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
