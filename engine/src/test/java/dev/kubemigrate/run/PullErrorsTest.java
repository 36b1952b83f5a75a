package dev.kubemigrate.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubemigrate.api.Reason;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The pull errors that no wait fixes, in the words each runtime uses: containerd 1.6 and 2.x
 * (pkg/cri/server/image_pull.go: "failed to pull and unpack image", remotes/docker/resolver.go:
 * "not found", docker authorizer: "failed to authorize", "401 Unauthorized"), CRI-O
 * (containers/image: "manifest unknown", "unauthorized: authentication required", "requested access
 * to the resource is denied") and Docker (distribution errors: "manifest for … not found", "pull
 * access denied … repository does not exist").
 */
class PullErrorsTest {

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        // containerd
        "rpc error: code = NotFound desc = failed to pull and unpack image"
            + " \"reg.example/shop/migrate:1.9\": failed to resolve reference"
            + " \"reg.example/shop/migrate:1.9\": reg.example/shop/migrate:1.9: not found"
            + " | ImageNotFound",
        "rpc error: code = Unknown desc = failed to pull and unpack image \"reg.example/a:1\": failed"
            + " to resolve reference \"reg.example/a:1\": pulling from host reg.example failed with"
            + " status code [manifests 1]: 401 Unauthorized | ImagePullDenied",
        "rpc error: code = Unknown desc = failed to pull and unpack image \"reg.example/a:1\": failed"
            + " to resolve reference \"reg.example/a:1\": failed to authorize: failed to fetch"
            + " anonymous token: unexpected status: 403 Forbidden | ImagePullDenied",
        "rpc error: code = Unknown desc = failed to pull and unpack image \"nohost.example/a:1\":"
            + " failed to resolve reference \"nohost.example/a:1\": failed to do request: Head"
            + " \"https://nohost.example/v2/a/manifests/1\": dial tcp: lookup nohost.example on"
            + " 10.96.0.10:53: no such host | RegistryHostNotFound",
        // CRI-O
        "rpc error: code = Unknown desc = reading manifest 1.9 in reg.example/shop/migrate: manifest"
            + " unknown: manifest unknown | ImageNotFound",
        "rpc error: code = Unknown desc = reading manifest 1 in reg.example/a: unauthorized:"
            + " authentication required | ImagePullDenied",
        "rpc error: code = Unknown desc = reading manifest 1 in docker.io/library/a: errors: denied:"
            + " requested access to the resource is denied | ImagePullDenied",
        "rpc error: code = Unknown desc = pinging container registry nohost.example: Get"
            + " \"https://nohost.example/v2/\": dial tcp: lookup nohost.example: no such host"
            + " | RegistryHostNotFound",
        // Docker
        "rpc error: code = Unknown desc = Error response from daemon: manifest for shop:9 not found:"
            + " manifest unknown: manifest unknown | ImageNotFound",
        "rpc error: code = Unknown desc = Error response from daemon: pull access denied for shop,"
            + " repository does not exist or may require 'docker login': denied: requested access"
            + " to the resource is denied | ImagePullDenied"
      })
  void hopelessPullErrors(String message, String reason) {
    assertThat(PullErrors.hopeless(message)).contains(Reason.of(reason));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "rpc error: code = Unknown desc = failed to pull and unpack image \"127.0.0.1:5999/a:1\":"
            + " failed to resolve reference \"127.0.0.1:5999/a:1\": failed to do request: Head"
            + " \"https://127.0.0.1:5999/v2/a/manifests/1\": dial tcp 127.0.0.1:5999: connect:"
            + " connection refused",
        "rpc error: code = Unknown desc = failed to pull and unpack image \"reg.example/a:1\":"
            + " failed to copy: httpReadSeeker: failed open: unexpected status code"
            + " https://reg.example/v2/a/blobs/sha256:ab: 503 Service Unavailable",
        "rpc error: code = DeadlineExceeded desc = failed to pull and unpack image \"r/a:1\":"
            + " context deadline exceeded",
        "dial tcp: lookup reg.example on 10.96.0.10:53: read udp: i/o timeout",
        "Back-off pulling image \"reg.example/a:1\"",
        ""
      })
  void passingPullErrorsWait(String message) {
    assertThat(PullErrors.hopeless(message)).isEmpty();
  }
}
