package dev.kubemigrate.cli;

import dev.kubemigrate.api.MigrationSpec;
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

  /**
   * The client and the namespace these options (else {@code fallbackNamespace}, else the kubeconfig
   * context's) point at. {@code -n} is checked before anything connects; a namespace taken from the
   * file or the context is checked as soon as it is known.
   */
  Connected connect(String fallbackNamespace) {
    return connect(fallbackNamespace, null);
  }

  /** The same, for a command that must end within {@code limit} (null: no limit). */
  Connected connect(String fallbackNamespace, java.time.Duration limit) {
    namespace().ifPresent(ns -> MigrationSpec.validateLabel(ns, "-n/--namespace"));
    if (namespace().isEmpty() && fallbackNamespace != null) {
      MigrationSpec.validateLabel(fallbackNamespace, "metadata.namespace of the -f file");
    }
    KubernetesClient client =
        Kubemigrate.connect(
            kubeconfig().map(Path::toString).orElse(null), context().orElse(null), limit);
    String ns = Kubemigrate.namespace(client, namespace().orElse(fallbackNamespace));
    try {
      MigrationSpec.validateLabel(ns, "namespace of the kubeconfig context");
    } catch (RuntimeException e) {
      client.close();
      throw e;
    }
    return new Connected(client, ns);
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
