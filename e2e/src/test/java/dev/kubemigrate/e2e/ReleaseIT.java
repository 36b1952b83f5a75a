package dev.kubemigrate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubemigrate.version.KubemigrateVersion;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The release a user downloads, as `mvn package` leaves it in cli/target: unpacked, its checksums
 * checked with sha256sum, and run as a kubectl plugin by the real kubectl against the cluster.
 */
@ExtendWith(LocalCluster.class)
class ReleaseIT {

  private record Ran(int exitCode, String output) {}

  @Test
  @DisplayName(
      "kubemigrate-VERSION.tar.gz: its checksums hold, and `kubectl kubemigrate run` migrates from"
          + " it as a kubectl plugin")
  void tarballWorksAsAKubectlPlugin(Kubemigrate km, TestNamespace ns) throws Exception {
    String name = "kubemigrate-" + KubemigrateVersion.current();
    Path target = Scripts.ofProject().root().resolve("cli/target");
    Path tarball = target.resolve(name + ".tar.gz");
    assertThat(tarball).exists();
    Path dir = Files.createTempDirectory("kubemigrate-release");
    try {
      // The download's own checksum, then the files' inside it
      assertThat(sh(target, Map.of(), "sha256sum", "-c", name + ".tar.gz.sha256").exitCode())
          .isZero();
      assertThat(sh(dir, Map.of(), "tar", "xzf", tarball.toString()).exitCode()).isZero();
      Path release = dir.resolve(name);
      Ran sums = sh(release, Map.of(), "sha256sum", "-c", "SHA256SUMS");
      assertThat(sums.exitCode()).as(sums.output()).isZero();
      assertThat(sums.output())
          .contains(
              "bin/kubemigrate: OK", "bin/kubectl-kubemigrate: OK", "lib/kubemigrate.jar: OK");

      // Installed the plugin way: its bin/ on PATH, a cache of its own
      Map<String, String> env =
          Map.of(
              "PATH", release.resolve("bin") + ":" + System.getenv("PATH"),
              "KUBECONFIG", km.kubeconfig().toString(),
              "XDG_CACHE_HOME", dir.resolve("cache").toString());
      assertThat(sh(dir, env, "kubectl", "plugin", "list").output())
          .contains(release.resolve("bin/kubectl-kubemigrate").toString());
      assertThat(sh(dir, env, "kubectl", "kubemigrate", "--version").output())
          .startsWith("kubemigrate " + KubemigrateVersion.current());
      Ran run =
          sh(
              dir,
              env,
              "kubectl",
              "kubemigrate",
              "run",
              "-n",
              ns.name(),
              "--app",
              "shop",
              "--version",
              "1",
              "--image",
              Images.BUSYBOX,
              "--image-pull-policy",
              "Never",
              "--command",
              "--",
              "sh",
              "-c",
              "echo migrated from the release");
      assertThat(run.exitCode()).as(run.output()).isZero();
      assertThat(run.output()).contains("migrated from the release").contains("OK: ");
    } finally {
      LocalCluster.deleteTree(dir);
    }
  }

  private static Ran sh(Path dir, Map<String, String> env, String... command)
      throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(List.of(command)).directory(dir.toFile());
    pb.redirectErrorStream(true);
    pb.environment().putAll(env);
    Process p = pb.start();
    p.getOutputStream().close();
    byte[] out = p.getInputStream().readAllBytes();
    assertThat(p.waitFor(3, TimeUnit.MINUTES)).as("finished").isTrue();
    return new Ran(p.exitValue(), new String(out, StandardCharsets.UTF_8));
  }
}
