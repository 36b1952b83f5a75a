package dev.kubemigrate.kube;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.util.Properties;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client's in-memory key store is protected with one PBKDF2 round (see {@link
 * KubeClients#lightKeyStoreProtection}), unless the user set the JDK's property, and a key still
 * goes in and comes out whole.
 */
class KeyStoreProtectionTest {

  @Test
  @DisplayName("One round unless set: a user's -Dkeystore.pkcs12.keyPbeIterationCount is kept")
  void oneRoundUnlessSet() {
    for (String given : new String[] {null, "10000", "1", "250000"}) {
      Properties properties = new Properties();
      if (given != null) {
        properties.setProperty(KubeClients.KEY_PBE_ITERATIONS, given);
      }
      KubeClients.lightKeyStoreProtection(properties);
      assertThat(properties.getProperty(KubeClients.KEY_PBE_ITERATIONS))
          .as("given %s", given)
          .isEqualTo(given == null ? "1" : given);
    }
    // and the class applies it to this JVM as soon as it is used
    assertThat(KubeClients.CONNECT_TIMEOUT).isPositive();
    assertThat(System.getProperty(KubeClients.KEY_PBE_ITERATIONS)).isNotNull();
  }

  @Test
  @DisplayName("A client key goes into the default key store and comes out whole, RSA and EC alike")
  void keyRoundTrips(@TempDir Path dir) throws Exception {
    assertThat(KubeClients.CONNECT_TIMEOUT).isPositive(); // the class is initialised
    for (String[] kind : new String[][] {{"RSA", "2048"}, {"EC", "256"}}) {
      Path p12 = dir.resolve(kind[0] + ".p12");
      // a key and its certificate, made by the JDK's keytool as a user's tool would
      Process keytool =
          new ProcessBuilder(
                  Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                  "-genkeypair",
                  "-keyalg",
                  kind[0],
                  "-keysize",
                  kind[1],
                  "-alias",
                  "k",
                  "-dname",
                  "CN=test",
                  "-storetype",
                  "PKCS12",
                  "-keystore",
                  p12.toString(),
                  "-storepass",
                  "secret",
                  "-keypass",
                  "secret")
              .redirectErrorStream(true)
              .start();
      String out = new String(keytool.getInputStream().readAllBytes());
      assertThat(keytool.waitFor()).as(out).isZero();
      KeyStore source = KeyStore.getInstance("PKCS12");
      try (var in = Files.newInputStream(p12)) {
        source.load(in, "secret".toCharArray());
      }
      PrivateKey key = (PrivateKey) source.getKey("k", "secret".toCharArray());
      Certificate cert = source.getCertificate("k");

      // as fabric8's CertUtils does it: the default type, in memory
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null);
      store.setKeyEntry("client", key, "changeit".toCharArray(), new Certificate[] {cert});
      assertThat(store.getKey("client", "changeit".toCharArray()).getEncoded())
          .as(kind[0])
          .isEqualTo(key.getEncoded());
    }
  }
}
