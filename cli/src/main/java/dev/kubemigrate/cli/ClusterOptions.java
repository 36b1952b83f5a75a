package dev.kubemigrate.cli;

import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * Where the cluster is, as kubectl takes it: {@code -n/--namespace}, {@code --context} and {@code
 * --kubeconfig}. Each is optional; without them, the kubeconfig's current context and namespace
 * apply, or the pod's own service account when kubemigrate runs in a cluster.
 */
final class ClusterOptions {

  @Option(
      names = {"-n", "--namespace"},
      paramLabel = "NS",
      description = "Namespace (default: the -f file's, else the kubeconfig context's).")
  private String namespace;

  @Option(
      names = "--context",
      paramLabel = "CTX",
      description = "Kubeconfig context to use (default: the current context).")
  private String context;

  @Option(
      names = "--kubeconfig",
      paramLabel = "FILE",
      description = "Kubeconfig file (default: $KUBECONFIG, else ~/.kube/config).")
  private Path kubeconfig;

  /** {@code -n/--namespace}, if given. */
  Optional<String> namespace() {
    return Optional.ofNullable(namespace).filter(ns -> !ns.isBlank());
  }

  /** {@code --context}, if given. */
  Optional<String> context() {
    return Optional.ofNullable(context).filter(ctx -> !ctx.isBlank());
  }

  /** {@code --kubeconfig}, if given. */
  Optional<Path> kubeconfig() {
    return Optional.ofNullable(kubeconfig);
  }
}
