package dev.kubemigrate.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient
class OwnImageTest {

  KubernetesMockServer server;
  KubernetesClient client;

  /** A client that does not retry by itself, as kubemigrate's own before the server answered. */
  private KubernetesClient noRetries() {
    return new io.fabric8.kubernetes.client.KubernetesClientBuilder()
        .withConfig(
            new io.fabric8.kubernetes.client.ConfigBuilder(client.getConfiguration())
                .withRequestRetryBackoffLimit(0)
                .build())
        .build();
  }

  private static Pod pod(String... namesAndImages) {
    PodBuilder b =
        new PodBuilder().withNewMetadata().withName("op-0").endMetadata().withNewSpec().endSpec();
    for (int i = 0; i < namesAndImages.length; i += 2) {
      b.editSpec()
          .addToContainers(
              new ContainerBuilder()
                  .withName(namesAndImages[i])
                  .withImage(namesAndImages[i + 1])
                  .build())
          .endSpec();
    }
    return b.build();
  }

  @Test
  @DisplayName("the image of the container \"operator\" wins, whatever sidecars the pod has")
  void namedContainer() {
    assertThat(OwnImage.of(pod("istio-proxy", "istio:1", "operator", "reg/km:2", "log", "x:3")))
        .contains("reg/km:2");
    assertThat(OwnImage.of(pod("operator", "reg/km@sha256:abc"))).contains("reg/km@sha256:abc");
  }

  @Test
  @DisplayName("a pod of one container gives that container's image, whatever its name")
  void onlyContainer() {
    assertThat(OwnImage.of(pod("kubemigrate", "mirror.example/km:1")))
        .contains("mirror.example/km:1");
  }

  @Test
  @DisplayName("several containers, none named \"operator\", or none at all: no image, no guess")
  void noGuess() {
    assertThat(OwnImage.of(pod("a", "x:1", "b", "y:1"))).isEmpty();
    assertThat(OwnImage.of(pod())).isEmpty();
    assertThat(OwnImage.of(new Pod())).isEmpty();
  }

  @Test
  @DisplayName("$KUBEMIGRATE_IMAGE overrides the pod, without a request")
  void envWins() {
    OwnImage own = OwnImage.resolve(client, " reg/km:env ", "ops", "op-0");
    assertThat(own.image()).isEqualTo("reg/km:env");
    assertThat(own.source()).isEqualTo("$KUBEMIGRATE_IMAGE");
    assertThat(server.getRequestCount()).isZero();
  }

  @Test
  @DisplayName("without $KUBEMIGRATE_IMAGE the operator's own pod names the image")
  void fromOwnPod() {
    server
        .expect()
        .get()
        .withPath("/api/v1/namespaces/ops/pods/op-0")
        .andReturn(200, pod("operator", "reg/km:pod"))
        .once();
    OwnImage own = OwnImage.resolve(client, "", "ops", "op-0");
    assertThat(own.image()).isEqualTo("reg/km:pod");
    assertThat(own.source()).isEqualTo("pod ops/op-0");
  }

  @Test
  @DisplayName("no image, and a reason that says what to set, when the pod cannot tell")
  void noImage() {
    server
        .expect()
        .get()
        .withPath("/api/v1/namespaces/ops/pods/forbidden")
        .andReturn(
            403,
            new StatusBuilder().withCode(403).withReason("Forbidden").withMessage("no").build())
        .once();
    server
        .expect()
        .get()
        .withPath("/api/v1/namespaces/ops/pods/two")
        .andReturn(200, pod("a", "x:1", "b", "y:1"))
        .once();

    assertThat(OwnImage.resolve(client, null, null, "op-0").source())
        .contains("$KUBEMIGRATE_IMAGE", "$POD_NAME");
    assertThat(OwnImage.resolve(client, null, "ops", "gone").source())
        .isEqualTo("none: pod ops/gone ($POD_NAME) was not found");
    OwnImage forbidden = OwnImage.resolve(client, null, "ops", "forbidden");
    assertThat(forbidden.image()).isNull();
    assertThat(forbidden.source())
        .contains("may not read pod ops/forbidden", "403", "$KUBEMIGRATE_IMAGE");
    OwnImage two = OwnImage.resolve(client, null, "ops", "two");
    assertThat(two.image()).isNull();
    assertThat(two.source()).contains("no container \"operator\"");
  }

  @Test
  @DisplayName("an API server that fails the read twice (restarting, say) is asked again")
  void retried() {
    server.expect().get().withPath("/api/v1/namespaces/ops/pods/op-0").andReturn(503, "").times(2);
    server
        .expect()
        .get()
        .withPath("/api/v1/namespaces/ops/pods/op-0")
        .andReturn(200, pod("operator", "reg/km:late"))
        .once();
    try (KubernetesClient once = noRetries()) {
      assertThat(OwnImage.resolve(once, null, "ops", "op-0").image()).isEqualTo("reg/km:late");
    }
  }

  @Test
  @DisplayName("an API server that never answers stops the operator rather than run it ungated")
  void neverAnswers() {
    server.expect().get().withPath("/api/v1/namespaces/ops/pods/op-0").andReturn(500, "").always();
    try (KubernetesClient once = noRetries()) {
      org.assertj.core.api.Assertions.assertThatThrownBy(
              () -> OwnImage.resolve(once, null, "ops", "op-0"))
          .isInstanceOf(dev.kubemigrate.api.KubemigrateException.class)
          .hasMessageContaining("pods");
    }
    assertThat(server.getRequestCount()).isEqualTo(OwnImage.TRIES);
  }
}
