package dev.kubemigrate.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubemigrate.engine.Kubemigrate;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The operator's own informers (Migrations, records) keep their objects in the engine's lean store
 * only when JOSDK makes one informer per kind: with several watched namespaces it makes one per
 * namespace and hands each the same store, and each informer's list then drops the others' objects
 * from it (shown here on the CRUD mock server).
 */
@EnableKubernetesMockClient(crud = true)
class LeanCachesTest {

  KubernetesClient client;

  @Test
  @DisplayName("Lean caches for all namespaces or one; not for several")
  void oneInformerPerKind() {
    assertThat(OperatorSettings.oneInformerPerKind(Set.of())).isTrue();
    assertThat(OperatorSettings.oneInformerPerKind(Set.of("shop"))).isTrue();
    assertThat(OperatorSettings.oneInformerPerKind(Set.of("a", "b"))).isFalse();
    assertThat(OperatorSettings.oneInformerPerKind(Set.of("a", "b", "c"))).isFalse();
    assertThat(OperatorSettings.oneInformerPerKind(null)).isFalse();
    assertThat(settings(Set.of()).oneInformerPerKind()).isTrue();
    assertThat(settings(Set.of("a", "b")).oneInformerPerKind()).isFalse();
  }

  @Test
  @DisplayName("Why: two namespaces' informers sharing one store lose each other's objects")
  void aSharedStoreLosesObjects() {
    for (String ns : List.of("a", "b")) {
      client
          .configMaps()
          .inNamespace(ns)
          .resource(new ConfigMapBuilder().withNewMetadata().withName("r").endMetadata().build())
          .create();
    }
    ItemStore<ConfigMap> shared = Kubemigrate.leanStore();
    SharedIndexInformer<ConfigMap> a =
        client.configMaps().inNamespace("a").runnableInformer(0).itemStore(shared);
    SharedIndexInformer<ConfigMap> b =
        client.configMaps().inNamespace("b").runnableInformer(0).itemStore(shared);
    try {
      a.start().toCompletableFuture().join();
      b.start().toCompletableFuture().join();
      // b's list kept only b's object: a's is gone from the store a reads from.
      assertThat(a.getStore().getByKey("a/r")).isNull();
    } finally {
      a.close();
      b.close();
    }
    // One store per informer (what the engine's own informers do) keeps both.
    SharedIndexInformer<ConfigMap> a2 =
        client.configMaps().inNamespace("a").runnableInformer(0).itemStore(Kubemigrate.leanStore());
    SharedIndexInformer<ConfigMap> b2 =
        client.configMaps().inNamespace("b").runnableInformer(0).itemStore(Kubemigrate.leanStore());
    try {
      a2.start().toCompletableFuture().join();
      b2.start().toCompletableFuture().join();
      assertThat(a2.getStore().getByKey("a/r")).isNotNull();
      assertThat(b2.getStore().getByKey("b/r")).isNotNull();
    } finally {
      a2.close();
      b2.close();
    }
  }

  private static OperatorSettings settings(Set<String> namespaces) {
    return new OperatorSettings(namespaces, 10, -1, "ops", "me", List.of(), null);
  }
}
