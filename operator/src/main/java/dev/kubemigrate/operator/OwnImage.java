package dev.kubemigrate.operator;

import dev.kubemigrate.engine.Kubemigrate;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The operator's own image: the default of {@code spec.waitForDatabase.image}, and the start gate's
 * image on Kubernetes before 1.26. {@code $KUBEMIGRATE_IMAGE} names it when set; otherwise it is
 * read from the operator's own pod ({@code $POD_NAMESPACE}/{@code $POD_NAME}), so that an image
 * changed in the Deployment alone (kustomize's {@code images:}, a mirror, a digest) is the one the
 * gate uses too.
 *
 * @param image the image, or null when neither names one
 * @param source where it came from, or why there is none, for the operator's start line
 */
public record OwnImage(String image, String source) {

  /** The name of the operator's container in the chart and the manifests. */
  static final String CONTAINER = "operator";

  /**
   * The image {@code $KUBEMIGRATE_IMAGE} names, else that of the operator's container in its own
   * pod. Without either (not in a pod, a pod it may not read, no such container), the operator runs
   * without a default image: no start gate, and wait-for-db needs {@code
   * spec.waitForDatabase.image}.
   *
   * @throws RuntimeException the engine's one-line API error (exit 5) when the API server does not
   *     answer the read in {@value #TRIES} tries (about 8 s): the operator does not start ungated
   */
  public static OwnImage resolve(
      KubernetesClient client, String envImage, String podNamespace, String podName) {
    if (envImage != null && !envImage.isBlank()) {
      return new OwnImage(envImage.strip(), "$KUBEMIGRATE_IMAGE");
    }
    if (blank(podNamespace) || blank(podName)) {
      return new OwnImage(
          null, "none: neither $KUBEMIGRATE_IMAGE nor $POD_NAMESPACE and $POD_NAME are set");
    }
    String pod = podNamespace + "/" + podName;
    Pod own = null;
    for (int attempt = 1; ; attempt++) {
      try {
        own = client.pods().inNamespace(podNamespace).withName(podName).get();
        break;
      } catch (KubernetesClientException e) {
        if (e.getCode() == 401 || e.getCode() == 403) {
          return new OwnImage(
              null,
              "none: may not read pod " + pod + " (" + e.getCode() + "); set $KUBEMIGRATE_IMAGE");
        }
        if (attempt >= TRIES) {
          // Without its image the operator would run without the start gate: better not start.
          throw Kubemigrate.apiError(client, e).map(RuntimeException.class::cast).orElse(e);
        }
        sleep(RETRY_AFTER.multipliedBy(1L << (attempt - 1)));
      }
    }
    if (own == null) {
      return new OwnImage(null, "none: pod " + pod + " ($POD_NAME) was not found");
    }
    return of(own)
        .map(image -> new OwnImage(image, "pod " + pod))
        .orElseGet(
            () ->
                new OwnImage(
                    null,
                    "none: pod "
                        + pod
                        + " has no container \""
                        + CONTAINER
                        + "\"; set $KUBEMIGRATE_IMAGE"));
  }

  /** Reads of the own pod: a server that restarts as the operator starts is waited for. */
  static final int TRIES = 6;

  static final Duration RETRY_AFTER = Duration.ofMillis(250);

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while reading the operator's own pod", e);
    }
  }

  /** The image of {@code pod}'s container {@value #CONTAINER}, or of its only container. */
  static Optional<String> of(Pod pod) {
    List<Container> containers =
        pod.getSpec() == null || pod.getSpec().getContainers() == null
            ? List.of()
            : pod.getSpec().getContainers();
    Optional<Container> named =
        containers.stream().filter(c -> CONTAINER.equals(c.getName())).findFirst();
    Optional<Container> chosen =
        named.isPresent() || containers.size() != 1 ? named : Optional.of(containers.get(0));
    return chosen.map(Container::getImage).filter(i -> !i.isBlank());
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }
}
