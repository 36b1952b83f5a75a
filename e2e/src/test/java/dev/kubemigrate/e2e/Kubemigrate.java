package dev.kubemigrate.e2e;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the real kubemigrate CLI (the fat jar, as bin/kubemigrate does) in its own process, the way
 * a pipeline runs it: exit codes, stdout, stderr and signals are the real ones.
 */
final class Kubemigrate {

  private final Path root;
  private final Path jar;
  private final Path kubeconfig;

  Kubemigrate(Path root, Path kubeconfig) {
    this.root = root;
    this.jar = root.resolve("cli/target/kubemigrate.jar");
    this.kubeconfig = kubeconfig;
  }

  Path kubeconfig() {
    return kubeconfig;
  }

  /** The same CLI, pointed at another kubeconfig. */
  Kubemigrate withKubeconfig(Path other) {
    return new Kubemigrate(root, other);
  }

  /** A started kubemigrate process; its output is collected as it comes. */
  static final class Running {
    final Process process;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final Thread outPump;
    private final Thread errPump;

    Running(Process process) {
      this.process = process;
      outPump = pump(process.getInputStream(), out);
      errPump = pump(process.getErrorStream(), err);
    }

    String stderrSoFar() {
      synchronized (err) {
        return err.toString(StandardCharsets.UTF_8);
      }
    }

    Result await(Duration timeout) {
      try {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
          process.destroyForcibly();
          throw new AssertionError(
              "kubemigrate did not exit within " + timeout + "; stderr so far:\n" + stderrSoFar());
        }
        outPump.join(10_000);
        errPump.join(10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      synchronized (out) {
        synchronized (err) {
          return new Result(
              process.exitValue(),
              out.toString(StandardCharsets.UTF_8),
              err.toString(StandardCharsets.UTF_8));
        }
      }
    }

    private static Thread pump(InputStream in, ByteArrayOutputStream sink) {
      Thread t =
          new Thread(
              () -> {
                byte[] buf = new byte[65536];
                try {
                  int n;
                  while ((n = in.read(buf)) > 0) {
                    synchronized (sink) {
                      sink.write(buf, 0, n);
                    }
                  }
                } catch (IOException e) {
                  // the process ended
                }
              });
      t.setDaemon(true);
      t.start();
      return t;
    }
  }

  record Result(int exitCode, String stdout, String stderr) {
    @Override
    public String toString() {
      return "exit "
          + exitCode
          + "\n--- stdout (tail) ---\n"
          + tail(stdout)
          + "\n--- stderr ---\n"
          + stderr;
    }

    private static String tail(String s) {
      return s.length() > 4000 ? "…" + s.substring(s.length() - 4000) : s;
    }
  }

  Running start(Map<String, String> env, List<String> args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:auto"));
    command.add("-jar");
    command.add(jar.toString());
    command.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().remove("GITHUB_STEP_SUMMARY");
    pb.environment().put("KUBECONFIG", kubeconfig.toString());
    pb.environment().putAll(env);
    try {
      Process p = pb.start();
      p.getOutputStream().close();
      return new Running(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  Running start(String... args) {
    return start(Map.of(), List.of(args));
  }

  Result run(String... args) {
    return start(args).await(Duration.ofMinutes(3));
  }
}
