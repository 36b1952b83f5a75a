package dev.kubemigrate.kube;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ServerVersionTest {

  @ParameterizedTest
  @CsvSource(
      nullValues = "null",
      value = {
        // GET /version of kind and kubeadm clusters (k8s.io/apimachinery/pkg/version.Info)
        "1, 20, 1.20",
        "1, 35, 1.35",
        // managed clusters (GKE, EKS) add a '+' to the minor version
        "1, 30+, 1.30",
        // fabric8's mock server says 0.0; nothing, or garbage, is not a version
        "0, 0, unknown",
        "null, null, unknown",
        "'', '', unknown",
        "v1, x, unknown"
      })
  @DisplayName("the version is /version's major and minor numbers, else unknown")
  void parsesVersionInfo(String major, String minor, String expected) {
    assertThat(ServerVersion.parse(major, minor)).hasToString(expected);
  }

  @ParameterizedTest
  @CsvSource({"1, 28, false", "1, 29, true", "1, 35, true", "2, 0, true", "0, 0, false"})
  @DisplayName("atLeast compares major, then minor; an unknown version is never new enough")
  void atLeast(int major, int minor, boolean expected) {
    assertThat(new ServerVersion(major, minor).atLeast(1, 29)).isEqualTo(expected);
  }
}
