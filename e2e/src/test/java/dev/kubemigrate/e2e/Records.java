package dev.kubemigrate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;

/** The run records (ConfigMaps labelled kubemigrate.dev/record=true) of a test's namespace. */
final class Records {

  private Records() {}

  static List<ConfigMap> all(KubernetesClient client, TestNamespace ns) {
    return client
        .configMaps()
        .inNamespace(ns.name())
        .withLabel("kubemigrate.dev/record", "true")
        .list()
        .getItems();
  }

  /** The namespace's one record; fails when it has none or several. */
  static ConfigMap only(KubernetesClient client, TestNamespace ns) {
    List<ConfigMap> records = all(client, ns);
    assertThat(records).hasSize(1);
    return records.get(0);
  }
}
