package dev.kubemigrate.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the project's own scripts (scripts/…), the same ones a developer runs by hand. */
final class Scripts {

  private final Path root;

  Scripts(Path root) {
    this.root = root;
  }

  static Scripts ofProject() {
    String configured = System.getProperty("kubemigrate.root");
    Path root =
        configured != null && !configured.isBlank()
            ? Path.of(configured)
            : Path.of("").toAbsolutePath().getParent();
    if (!Files.isExecutable(root.resolve("scripts/local-cluster"))) {
      throw new IllegalStateException("cannot find scripts/local-cluster under " + root);
    }
    return new Scripts(root);
  }

  Path root() {
    return root;
  }

  /** Runs scripts/NAME ARGS…, returns its stdout; its stderr goes to the test log. */
  String run(String name, String... args) {
    List<String> command = new ArrayList<>();
    command.add("bash");
    command.add(root.resolve("scripts").resolve(name).toString());
    command.addAll(List.of(args));
    try {
      Process process =
          new ProcessBuilder(command)
              .directory(root.toFile())
              .redirectError(ProcessBuilder.Redirect.INHERIT)
              .start();
      process.getOutputStream().close();
      String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(15, TimeUnit.MINUTES)) {
        process.destroyForcibly();
        throw new IllegalStateException(String.join(" ", command) + " did not finish in 15 min");
      }
      if (process.exitValue() != 0) {
        throw new IllegalStateException(
            String.join(" ", command) + " exited with " + process.exitValue());
      }
      return out;
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + command, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running " + command, e);
    }
  }

  /** Exit code of scripts/NAME ARGS…, output discarded. */
  int exitCode(String name, String... args) {
    List<String> command =
        new ArrayList<>(List.of("bash", root.resolve("scripts/" + name).toString()));
    command.addAll(List.of(args));
    try {
      Process process =
          new ProcessBuilder(command)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .redirectError(ProcessBuilder.Redirect.DISCARD)
              .start();
      return process.waitFor(2, TimeUnit.MINUTES) ? process.exitValue() : -1;
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }
}
