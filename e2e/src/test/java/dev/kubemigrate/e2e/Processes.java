package dev.kubemigrate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs a command the way a user's shell would, for the tests of what users install and call. */
final class Processes {

  /** How it ended: its exit code and its output (stdout and stderr together). */
  record Ran(int exitCode, String output) {}

  private Processes() {}

  /** Runs {@code command} in {@code dir} with {@code env} added; at most 5 minutes. */
  static Ran run(Path dir, Map<String, String> env, String... command)
      throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(List.of(command)).directory(dir.toFile());
    pb.redirectErrorStream(true);
    pb.environment().putAll(env);
    Process p = pb.start();
    p.getOutputStream().close();
    byte[] out = p.getInputStream().readAllBytes();
    assertThat(p.waitFor(5, TimeUnit.MINUTES)).as("finished").isTrue();
    return new Ran(p.exitValue(), new String(out, StandardCharsets.UTF_8));
  }
}
