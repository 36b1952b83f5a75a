package dev.kubemigrate.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kubemigrate.version.KubemigrateVersion;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The release a user downloads, as `mvn package` leaves it in cli/target: unpacked, its checksums
 * checked with sha256sum, and run as a kubectl plugin by the real kubectl against the cluster.
 */
@ExtendWith(LocalCluster.class)
class ReleaseIT {

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
      assertThat(
              Processes.run(target, Map.of(), "sha256sum", "-c", name + ".tar.gz.sha256")
                  .exitCode())
          .isZero();
      assertThat(Processes.run(dir, Map.of(), "tar", "xzf", tarball.toString()).exitCode())
          .isZero();
      Path release = dir.resolve(name);
      Processes.Ran sums = Processes.run(release, Map.of(), "sha256sum", "-c", "SHA256SUMS");
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
      assertThat(Processes.run(dir, env, "kubectl", "plugin", "list").output())
          .contains(release.resolve("bin/kubectl-kubemigrate").toString());
      // A value of KUBEMIGRATE_CDS it does not know is one clear line and exit 2, before any JVM
      // (with JAVA_OPTS too, which replaces the launcher's JVM flags)
      for (String bad : List.of("false", "OFF", "1", " ", "no")) {
        Map<String, String> withBad = new java.util.HashMap<>(env);
        withBad.put("KUBEMIGRATE_CDS", bad);
        if (bad.equals("no")) {
          withBad.put("JAVA_OPTS", "-Xmx64m");
        }
        Processes.Ran refused =
            Processes.run(dir, withBad, release.resolve("bin/kubemigrate").toString(), "--version");
        assertThat(refused.exitCode()).as(bad).isEqualTo(2);
        assertThat(refused.output())
            .as(bad)
            .contains("KUBEMIGRATE_CDS=" + bad + " is not one of on, off, wait")
            .doesNotContain("kubemigrate " + KubemigrateVersion.current());
      }
      // Archives of five earlier builds, one to five days old: a new archive leaves the newest four
      Path cds = dir.resolve("cache/kubemigrate/cds");
      Files.createDirectories(cds);
      for (int i = 1; i <= 5; i++) {
        Path stale = Files.createFile(cds.resolve("stale " + i + ".jsa"));
        Files.setLastModifiedTime(
            stale,
            java.nio.file.attribute.FileTime.from(
                java.time.Instant.now().minus(Duration.ofDays(i))));
      }
      assertThat(Processes.run(dir, env, "kubectl", "kubemigrate", "--version").output())
          .startsWith("kubemigrate " + KubemigrateVersion.current());
      Processes.Ran run =
          pluginRun(dir, env, ns, "1", "sh", "-c", "echo migrated from the release");
      assertThat(run.exitCode()).as(run.output()).isZero();
      assertThat(run.output()).contains("migrated from the release").contains("OK: ");

      // The launcher made its class-data archive in the background of its first command, for the
      // commands after it; the command itself did not wait for it
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> files(cds, ".jsa").size() == 4 && files(cds, ".training").isEmpty());
      List<String> archives = files(cds, ".jsa");
      assertThat(archives)
          .as("the new archive and the three newest of before")
          .contains("stale 1.jsa", "stale 2.jsa", "stale 3.jsa")
          .doesNotContain("stale 4.jsa", "stale 5.jsa");
      assertThat(files(cds, "")).as("no training left behind").isEqualTo(archives);
      Processes.Ran again =
          Processes.run(
              dir, env, "kubectl", "kubemigrate", "status", "-n", ns.name(), "--app", "shop");
      assertThat(again.exitCode()).as(again.output()).isZero();
      assertThat(files(cds, "")).as("one archive, made once").isEqualTo(archives);

      // A training killed with the CI job that started it leaves its lock behind: the next
      // command takes it over at once (KUBEMIGRATE_CDS=wait makes the archive first), instead of
      // running without an archive until the lock is ten minutes old
      String made =
          archives.stream().filter(a -> !a.startsWith("stale ")).findFirst().orElseThrow();
      Files.delete(cds.resolve(made));
      Process gone = new ProcessBuilder("true").start();
      assertThat(gone.waitFor()).isZero();
      Path lock = Files.createDirectories(cds.resolve(made + ".training"));
      Files.writeString(lock.resolve("pid"), gone.pid() + "\n");
      Map<String, String> first = new java.util.HashMap<>(env);
      first.put("KUBEMIGRATE_CDS", "wait");
      assertThat(Processes.run(dir, first, "kubectl", "kubemigrate", "--version").output())
          .startsWith("kubemigrate " + KubemigrateVersion.current());
      assertThat(files(cds, "")).as("the lock taken over, the archive made").isEqualTo(archives);

      // The launcher finds its jar without a subshell (it changes directory and back): reached
      // through a symlinked release directory, and as a symlink on PATH, it starts the JVM where
      // it was started (a relative --kubeconfig is read from there), with the same jar and
      // archive (KUBEMIGRATE_CDS=wait would make another archive for another key)
      Path linkedRelease = Files.createSymbolicLink(dir.resolve("linked-release"), release);
      Path onPath = Files.createDirectories(dir.resolve("on-path"));
      Path linkedLauncher =
          Files.createSymbolicLink(
              onPath.resolve("kubemigrate"), linkedRelease.resolve("bin/kubectl-kubemigrate"));
      Path caller = Files.createDirectories(dir.resolve("caller"));
      Files.copy(km.kubeconfig(), caller.resolve("kc"));
      for (Path launcher : List.of(linkedRelease.resolve("bin/kubemigrate"), linkedLauncher)) {
        Processes.Ran status =
            Processes.run(
                caller,
                first,
                launcher.toString(),
                "status",
                "--kubeconfig",
                "kc",
                "-n",
                ns.name(),
                "--app",
                "shop");
        assertThat(status.exitCode()).as(launcher + ": " + status.output()).isZero();
        assertThat(status.output()).as(launcher.toString()).contains("shop");
        assertThat(files(cds, "")).as(launcher + ": the same archive").isEqualTo(archives);
      }

      // On one or two CPUs (here: taskset to one, and to every CPU of a machine that has more),
      // a command gets one compiler thread; the operator keeps the JVM's choice
      Map<String, String> flagsShown = new java.util.HashMap<>(env);
      flagsShown.put("JAVA_TOOL_OPTIONS", "-XX:+PrintFlagsFinal");
      String launcher = release.resolve("bin/kubemigrate").toString();
      for (String cpus : List.of("0", "0-1")) {
        String shown =
            Processes.run(dir, flagsShown, "taskset", "-c", cpus, launcher, "--version").output();
        assertThat(shown)
            .as("taskset -c " + cpus)
            .containsPattern("CICompilerCount +:?= 1 +\\{product\\} \\{command line\\}");
      }
      String ergonomic = "CICompilerCount +:?= \\d+ +\\{product\\} \\{ergonomic\\}";
      int available = Runtime.getRuntime().availableProcessors();
      if (available > 2) {
        String all = "0-" + (available - 1);
        assertThat(
                Processes.run(dir, flagsShown, "taskset", "-c", all, launcher, "--version")
                    .output())
            .as("taskset -c " + all)
            .containsPattern(ergonomic);
      }
      String operator =
          Processes.run(dir, flagsShown, "taskset", "-c", "0", launcher, "operator", "--help")
              .output();
      assertThat(operator).as("the operator").containsPattern(ergonomic);

      // The archive holds what a real run loads (the jar's class list, scripts/cds-classlist), not
      // only what a command without a cluster reaches: of the named classes a second run loads, at
      // most 2 % come from outside it (an archive trained on await alone left a third outside).
      // Classes the JVM generates as it runs (lambda forms, proxies, accessors) have no name to
      // archive.
      Path loaded = dir.resolve("classes.log");
      Map<String, String> logged = new java.util.HashMap<>(env);
      logged.put("JAVA_TOOL_OPTIONS", "-Xlog:class+load=info,cds=info:file=" + loaded);
      Processes.Ran second = pluginRun(dir, logged, ns, "2", "true");
      assertThat(second.exitCode()).as(second.output()).isZero();
      // Mapped where it was made: relocated (Debian's Java 17 default), every page of the archive
      // is written and counts in the process's memory.
      String log = Files.readString(loaded);
      assertThat(log)
          .as("the archive is mapped at its own address, not relocated")
          // 0x800000000 on Java 17; Java 24 and later keep a protection page at the base.
          .contains("Mapped static  region #0 at base 0x00000008000")
          .doesNotContain("alternative address");
      List<String> named =
          Files.readAllLines(loaded).stream()
              .filter(l -> l.contains(" source: "))
              .filter(
                  l ->
                      !l.matches(
                          ".*(\\$\\$Lambda|LambdaForm\\$|\\$Proxy|Generated\\w*Accessor|/0x).*"))
              .toList();
      List<String> outside =
          named.stream().filter(l -> !l.contains("shared objects file")).toList();
      assertThat(named).as("classes loaded").hasSizeGreaterThan(3000);
      assertThat(outside.size())
          .as(
              "named classes a run loaded from outside the archive, of %d (scripts/cds-classlist"
                  + " writes the list again): %s",
              named.size(), outside.stream().limit(20).toList())
          .isLessThanOrEqualTo(named.size() / 50);
    } finally {
      LocalCluster.deleteTree(dir);
    }
  }

  /**
   * {@code kubectl kubemigrate run} of app shop at {@code version}, busybox running {@code
   * command}.
   */
  private static Processes.Ran pluginRun(
      Path dir, Map<String, String> env, TestNamespace ns, String version, String... command)
      throws Exception {
    List<String> args =
        new java.util.ArrayList<>(
            List.of(
                "kubectl",
                "kubemigrate",
                "run",
                "-n",
                ns.name(),
                "--app",
                "shop",
                "--version",
                version,
                "--image",
                Images.BUSYBOX,
                "--image-pull-policy",
                "Never",
                "--command",
                "--"));
    args.addAll(List.of(command));
    return Processes.run(dir, env, args.toArray(String[]::new));
  }

  /** The names in {@code dir} that end with {@code suffix}; none when it does not exist. */
  private static List<String> files(Path dir, String suffix) throws IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> list = Files.list(dir)) {
      return list.map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(suffix))
          .sorted()
          .toList();
    }
  }
}
