package dev.kubemigrate.run;

import io.fabric8.kubernetes.api.model.PodBuilder;

/** Pods as the mock-server tests of runs give them, by the state of their migration container. */
final class TestPods {

  private TestPods() {}

  /**
   * A pod {@code name} whose {@code migrate} container terminated with {@code exitCode}, {@code
   * reason} and {@code finishedAt} (each null: not set); the caller adds labels and the rest.
   */
  static PodBuilder terminated(String name, int exitCode, String reason, String finishedAt) {
    return new PodBuilder()
        .withNewMetadata()
        .withName(name)
        .endMetadata()
        .withNewStatus()
        .addNewContainerStatus()
        .withName("migrate")
        .withNewState()
        .withNewTerminated()
        .withExitCode(exitCode)
        .withReason(reason)
        .withFinishedAt(finishedAt)
        .endTerminated()
        .endState()
        .endContainerStatus()
        .endStatus();
  }

  /**
   * A pod {@code name} whose {@code migrate} container runs; the caller adds labels and the rest.
   */
  static PodBuilder running(String name) {
    return new PodBuilder()
        .withNewMetadata()
        .withName(name)
        .endMetadata()
        .withNewStatus()
        .addNewContainerStatus()
        .withName("migrate")
        .withNewState()
        .withNewRunning()
        .endRunning()
        .endState()
        .endContainerStatus()
        .endStatus();
  }

  /**
   * A pod {@code name} whose {@code migrate} container waits with {@code reason} and {@code
   * message} (null: not set); the caller adds labels and the rest.
   */
  static PodBuilder waiting(String name, String reason, String message) {
    return new PodBuilder()
        .withNewMetadata()
        .withName(name)
        .endMetadata()
        .withNewStatus()
        .addNewContainerStatus()
        .withName("migrate")
        .withNewState()
        .withNewWaiting()
        .withReason(reason)
        .withMessage(message)
        .endWaiting()
        .endState()
        .endContainerStatus()
        .endStatus();
  }
}
