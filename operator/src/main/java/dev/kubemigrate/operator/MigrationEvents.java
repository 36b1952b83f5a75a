package dev.kubemigrate.operator;

import dev.kubemigrate.migration.Migration;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Kubernetes Events on a Migration, so {@code kubectl describe migration} tells its story. */
final class MigrationEvents {

  private static final Logger LOG = LoggerFactory.getLogger(MigrationEvents.class);
  private static final int MAX_MESSAGE = 1024;

  private final KubernetesClient client;
  private final Clock clock;
  private final String identity;

  MigrationEvents(KubernetesClient client, Clock clock, String identity) {
    this.client = client;
    this.clock = clock;
    this.identity = identity;
  }

  void normal(Migration m, String reason, String message) {
    emit(m, "Normal", reason, message);
  }

  void warning(Migration m, String reason, String message) {
    emit(m, "Warning", reason, message);
  }

  private void emit(Migration m, String type, String reason, String message) {
    String now = clock.instant().toString();
    String text =
        message == null || message.length() <= MAX_MESSAGE
            ? message
            : message.substring(0, MAX_MESSAGE - 3) + "...";
    Event event =
        new EventBuilder()
            .withNewMetadata()
            .withGenerateName(m.getMetadata().getName() + ".")
            .withNamespace(m.getMetadata().getNamespace())
            .endMetadata()
            .withInvolvedObject(
                new ObjectReferenceBuilder()
                    .withApiVersion(Migration.API_VERSION)
                    .withKind(Migration.KIND)
                    .withNamespace(m.getMetadata().getNamespace())
                    .withName(m.getMetadata().getName())
                    .withUid(m.getMetadata().getUid())
                    .withResourceVersion(m.getMetadata().getResourceVersion())
                    .build())
            .withType(type)
            .withReason(reason)
            .withMessage(text)
            .withFirstTimestamp(now)
            .withLastTimestamp(now)
            .withCount(1)
            .withNewSource()
            .withComponent("kubemigrate-operator")
            .endSource()
            .withReportingComponent("kubemigrate.dev/operator")
            .withReportingInstance(identity)
            .build();
    try {
      client.v1().events().inNamespace(m.getMetadata().getNamespace()).resource(event).create();
    } catch (KubernetesClientException e) {
      // An event is worth a try, never a failed reconcile.
      LOG.warn(
          "cannot record event {} on {}: {}", reason, m.getMetadata().getName(), e.getMessage());
    }
  }
}
