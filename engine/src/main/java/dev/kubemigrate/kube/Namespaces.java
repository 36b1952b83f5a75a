package dev.kubemigrate.kube;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

/**
 * Whether a namespace exists, asked only where its absence would otherwise look like something
 * else: a record that is not there yet (await would wait out its timeout), or permissions that look
 * fine (doctor). Reading a namespace is a cluster-scoped permission that an app's service account
 * seldom has: without it, or on any other error, the namespace is taken to exist.
 */
public final class Namespaces {

  private Namespaces() {}

  /**
   * Throws a {@code NamespaceNotFound} error (exit 7) when the API server says that {@code
   * namespace} does not exist; returns otherwise.
   */
  public static void requireExists(KubernetesClient client, String namespace) {
    if (!exists(client, namespace)) {
      throw ApiErrors.namespaceNotFound(namespace, null);
    }
  }

  /** False only when the API server says the namespace does not exist. */
  public static boolean exists(KubernetesClient client, String namespace) {
    try {
      return client.namespaces().withName(namespace).get() != null;
    } catch (KubernetesClientException e) {
      return true; // forbidden, or unreachable: the next request says so if it matters
    }
  }
}
