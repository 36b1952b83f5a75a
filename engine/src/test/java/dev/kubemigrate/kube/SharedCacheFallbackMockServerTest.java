package dev.kubemigrate.kube;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubemigrate.preflight.Preflight;
import dev.kubemigrate.preflight.PreflightRules;
import io.fabric8.kubernetes.api.model.LimitRangeListBuilder;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.NodeListBuilder;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.ResourceQuotaListBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Shared reads whose informers cannot start (the server refuses the list or the watch): each read
 * goes to the API server, as it would without them, and the start is not tried again on every read.
 */
@EnableKubernetesMockClient
class SharedCacheFallbackMockServerTest {

  KubernetesClient client;
  KubernetesMockServer server;

  @Test
  @DisplayName("Informers the server refuses: the pre-flight lists from the API server")
  void refusedInformersFallBackToTheApi() {
    server
        .expect()
        .get()
        .withPath("/api/v1/namespaces/test/resourcequotas")
        .andReturn(200, new ResourceQuotaListBuilder().build())
        .always();
    server
        .expect()
        .get()
        .withPath("/api/v1/namespaces/test/limitranges")
        .andReturn(200, new LimitRangeListBuilder().build())
        .always();
    server
        .expect()
        .get()
        .withPath("/api/v1/nodes")
        .andReturn(
            200,
            new NodeListBuilder()
                .addToItems(
                    new NodeBuilder().withNewMetadata().withName("n1").endMetadata().build())
                .build())
        .always();
    try (SharedReads reads = SharedReads.informed(client, List.of("test"))) {
      // The informers' list of any namespace has no answer here (404), so none starts
      assertThat(reads.quotas().available()).isFalse();
      int before = server.getRequestCount();
      assertThat(reads.quotas().available()).isFalse();
      assertThat(server.getRequestCount()).isEqualTo(before); // not tried again at once
      PreflightRules.Result result =
          Preflight.check(
              client,
              reads,
              "test",
              new PodSpecBuilder()
                  .addNewContainer()
                  .withName("m")
                  .withImage("b")
                  .endContainer()
                  .build(),
              false);
      assertThat(result.ok()).isTrue();
      assertThat(result.skipped()).isEmpty();
      assertThat(result.warnings()).isEmpty();
    }
  }
}
