package dev.kubemigrate.cli;

import dev.kubemigrate.engine.Kubemigrate;
import io.fabric8.kubernetes.client.KubernetesClient;
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

  /** The client and the namespace these options (else {@code fallbackNamespace}) point at. */
  Connected connect(String fallbackNamespace) {
    KubernetesClient client =
        Kubemigrate.connect(kubeconfig().map(Path::toString).orElse(null), context().orElse(null));
    return new Connected(
        client, Kubemigrate.namespace(client, namespace().orElse(fallbackNamespace)));
  }

  /** A connected client; closing it in the background saves the exit a third of a second. */
  record Connected(KubernetesClient client, String namespace) implements AutoCloseable {
    @Override
    public void close() {
      Thread closer = new Thread(client::close, "client-close");
      closer.setDaemon(true);
      closer.start();
    }
  }
}
