package dev.kubemigrate.run;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What the kubelet sends as a log whose container is gone is not the migration's: the two lines
 * below were read through the API from a pod deleted as its migration ended (Kubernetes 1.20.2,
 * containerd 1.6.20; the fault suite's trial t004, seed 7), and landed in a record's log tail.
 */
class KubeletLogErrorTest {

  @ParameterizedTest
  @ValueSource(
      strings = {
        "rpc error: code = NotFound desc = an error occurred when try to find container"
            + " \"1de45e99131f552d3d9cdc83bb80616746aa13d55324e132c744c09fa896da1c\": not found",
        "unable to retrieve container logs for"
            + " containerd://1de45e99131f552d3d9cdc83bb80616746aa13d55324e132c744c09fa896da1c",
        "unable to retrieve container logs for docker://0123abcd"
      })
  void theKubeletsWordsAreDropped(String line) {
    assertThat(LogFollower.kubeletError(line)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "rpc error: code = Unavailable desc = connection refused",
        "ERROR: unable to retrieve container logs for the audit table",
        "migrated t004",
        "  unable to retrieve container logs for containerd://x",
        ""
      })
  void theMigrationsWordsAreKept(String line) {
    assertThat(LogFollower.kubeletError(line)).isFalse();
  }
}
