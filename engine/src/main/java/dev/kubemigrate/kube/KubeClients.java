package dev.kubemigrate.kube;

import dev.kubemigrate.api.ExitCode;
import dev.kubemigrate.api.KubemigrateException;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Builds the Kubernetes client the way kubectl finds its cluster: {@code --kubeconfig}, else {@code
 * $KUBECONFIG}, else {@code ~/.kube/config}, else the in-cluster service account; {@code --context}
 * picks a context; the namespace is the flag's, else the context's, else the pod's own
 * (in-cluster), else {@code default}.
 */
public final class KubeClients {

  private KubeClients() {}

  public static KubernetesClient create(String kubeconfig, String context) {
    Config config;
    if (kubeconfig != null) {
      Path path = Path.of(kubeconfig);
      if (!Files.isReadable(path)) {
        throw KubemigrateException.usage("cannot read --kubeconfig %s", kubeconfig);
      }
      config = Config.fromKubeconfig(context, new File(kubeconfig));
    } else {
      config = Config.autoConfigure(context);
    }
    if (context != null && !context.equals(currentContext(config))) {
      throw KubemigrateException.usage("no context '%s' in the kubeconfig", context);
    }
    if (config.getMasterUrl() == null || config.getMasterUrl().isBlank()) {
      throw new KubemigrateException(
          ExitCode.KUBERNETES_API,
          "no cluster configured: no --kubeconfig, $KUBECONFIG, ~/.kube/config or in-cluster"
              + " service account");
    }
    // Say "unreachable" within seconds, yet ride out an API server restart (a few seconds).
    config.setConnectionTimeout(5_000);
    config.setRequestTimeout(30_000);
    config.setRequestRetryBackoffLimit(5);
    config.setRequestRetryBackoffInterval(250);
    config.setWatchReconnectInterval(500);
    return new KubernetesClientBuilder().withConfig(config).build();
  }

  /**
   * The namespace to use: the flag's, else the kubeconfig context's (or the pod's), else default.
   */
  public static String namespace(KubernetesClient client, String flag) {
    if (flag != null && !flag.isBlank()) {
      return flag;
    }
    String ns = client.getConfiguration().getNamespace();
    return ns == null || ns.isBlank() ? "default" : ns;
  }

  private static String currentContext(Config config) {
    return config.getCurrentContext() == null ? null : config.getCurrentContext().getName();
  }
}
