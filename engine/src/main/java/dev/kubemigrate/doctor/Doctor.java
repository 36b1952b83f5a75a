package dev.kubemigrate.doctor;

import dev.kubemigrate.doctor.Permissions.Mode;
import dev.kubemigrate.doctor.Permissions.Permission;
import dev.kubemigrate.kube.ApiErrors;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectAccessReviewBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.ArrayList;
import java.util.List;

/** Asks the API server, with SelfSubjectAccessReviews, whether this identity may do each mode. */
public final class Doctor {

  /**
   * One answer: may this identity do this, for this mode; {@code optional}: the pre-flight's reads,
   * which it skips without.
   */
  public record Check(Mode mode, Permission permission, boolean allowed, boolean optional) {}

  private final KubernetesClient client;

  public Doctor(KubernetesClient client) {
    this.client = client;
  }

  public List<Check> check(String namespace, List<Mode> modes) {
    List<Check> checks = new ArrayList<>();
    for (Mode mode : modes) {
      for (Permission p : Permissions.of(mode)) {
        checks.add(new Check(mode, p, allowed(namespace, p), false));
      }
      for (Permission p : Permissions.optional(mode)) {
        checks.add(new Check(mode, p, allowed(namespace, p), true));
      }
    }
    return checks;
  }

  private boolean allowed(String namespace, Permission p) {
    String[] parts = p.resource().split("/", 2);
    SelfSubjectAccessReview review =
        new SelfSubjectAccessReviewBuilder()
            .withNewSpec()
            .withNewResourceAttributes()
            .withNamespace(Permissions.clusterScoped(p) ? null : namespace)
            .withGroup(p.group())
            .withResource(parts[0])
            .withSubresource(parts.length > 1 ? parts[1] : null)
            .withVerb(p.verb())
            .endResourceAttributes()
            .endSpec()
            .build();
    try {
      SelfSubjectAccessReview answer =
          client.authorization().v1().selfSubjectAccessReview().create(review);
      return answer.getStatus() != null && Boolean.TRUE.equals(answer.getStatus().getAllowed());
    } catch (KubernetesClientException e) {
      throw ApiErrors.translate(client, e, "create", "selfsubjectaccessreviews", null);
    }
  }
}
