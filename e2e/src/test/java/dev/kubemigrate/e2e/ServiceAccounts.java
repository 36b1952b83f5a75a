package dev.kubemigrate.e2e;

import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;

/** Service accounts and the shipped RBAC manifests (deploy/rbac), as a user would apply them. */
final class ServiceAccounts {

  private ServiceAccounts() {}

  /** Cluster-wide objects the tests applied: deleted after each test, as namespaces are. */
  private static final List<HasMetadata> CLUSTER_WIDE =
      java.util.Collections.synchronizedList(new java.util.ArrayList<>());

  /**
   * Applies deploy/rbac/NAME.yaml in the namespace (its placeholder namespace {@code my-app}
   * replaced, in names too: a ClusterRoleBinding per namespace).
   */
  static List<HasMetadata> applyRbac(KubernetesClient client, String namespace, String name) {
    Path file = Scripts.ofProject().root().resolve("deploy/rbac/" + name + ".yaml");
    try {
      String yaml =
          Files.readString(file)
              .replace("namespace: my-app", "namespace: " + namespace)
              .replace("-my-app\n", "-" + namespace + "\n");
      List<HasMetadata> applied = client.resourceList(yaml).createOrReplace();
      applied.stream()
          .filter(o -> o.getMetadata().getNamespace() == null)
          .filter(o -> o.getKind().startsWith("ClusterRole"))
          .forEach(CLUSTER_WIDE::add);
      return applied;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Deletes the cluster-wide bindings that {@link #applyRbac} made (the shared ClusterRole stays).
   */
  static void deleteClusterWide(KubernetesClient client) {
    synchronized (CLUSTER_WIDE) {
      CLUSTER_WIDE.forEach(o -> client.resource(o).delete());
      CLUSTER_WIDE.clear();
    }
  }

  /** Creates the service account NAME in the namespace, with no rights at all. */
  static void create(KubernetesClient client, String namespace, String name) {
    client
        .serviceAccounts()
        .inNamespace(namespace)
        .resource(
            new io.fabric8.kubernetes.api.model.ServiceAccountBuilder()
                .withNewMetadata()
                .withName(name)
                .endMetadata()
                .build())
        .create();
  }

  /** A kubeconfig that authenticates as the service account, with its token and nothing else. */
  static Path kubeconfig(KubernetesClient client, String namespace, String serviceAccount) {
    Secret token =
        await()
            .atMost(Duration.ofSeconds(30))
            .until(
                () ->
                    client.secrets().inNamespace(namespace).list().getItems().stream()
                        .filter(
                            s -> s.getMetadata().getName().startsWith(serviceAccount + "-token-"))
                        .findFirst()
                        .orElse(null),
                s -> s != null);
    String bearer =
        new String(
            Base64.getDecoder().decode(token.getData().get("token")), StandardCharsets.UTF_8);
    try {
      Path config = Files.createTempFile("kubeconfig-" + serviceAccount, ".yaml");
      Files.writeString(
          config,
          "apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    server: "
              + client.getMasterUrl()
              + "\n    insecure-skip-tls-verify: true\nusers:\n- name: u\n  user: {token: "
              + bearer
              + "}\ncontexts:\n- name: x\n  context: {cluster: c, user: u, namespace: "
              + namespace
              + "}\ncurrent-context: x\n");
      return config;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
