package dev.kubemigrate.record;

import dev.kubemigrate.api.Decisions;
import dev.kubemigrate.api.Phase;
import dev.kubemigrate.api.RunOutcome;
import dev.kubemigrate.api.SchemaFloor;
import dev.kubemigrate.api.Versions;
import dev.kubemigrate.job.Labels;
import dev.kubemigrate.job.RunNames;
import dev.kubemigrate.kube.ApiErrors;
import dev.kubemigrate.kube.SharedCache;
import dev.kubemigrate.kube.SharedReads;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Each app's {@link SchemaFloor}, in the ConfigMap {@code kubemigrate-<app>-floor} beside its
 * records (it carries no record label: history never lists it). Changed with compare-and-set, so
 * that two writers never lose each other's change: a contract only ever raises the floor, a down
 * migration sets it.
 */
public final class FloorStore {

  private final KubernetesClient client;
  private final String namespace;
  private final SharedCache<ConfigMap> cache;

  public FloorStore(KubernetesClient client, String namespace) {
    this(client, namespace, SharedCache.none());
  }

  /**
   * With {@code cache}: the operator's informer of the floors, read by the guard instead of a GET.
   * A floor is written while its contract holds the app's lock, and the informer has it a watch
   * event later; the app's pods' own {@code await} reads the API server.
   */
  public FloorStore(KubernetesClient client, String namespace, SharedCache<ConfigMap> cache) {
    this.client = client;
    this.namespace = namespace;
    this.cache = cache;
  }

  public static String name(String app) {
    return RunNames.floorName(app);
  }

  public Optional<SchemaFloor> get(String app) {
    if (cache.available()) {
      return Optional.ofNullable(cache.get(namespace, name(app))).map(FloorStore::decode);
    }
    try {
      ConfigMap cm = client.configMaps().inNamespace(namespace).withName(name(app)).get();
      return Optional.ofNullable(cm).map(FloorStore::decode);
    } catch (KubernetesClientException e) {
      throw ApiErrors.translate(client, e, "get", "configmaps", namespace);
    }
  }

  /**
   * The rollback guard's refusal of {@code version}'s {@code phase} on this app's schema, as the
   * outcome every mode ends with (exit 8, nothing created); empty when it may go on.
   */
  public Optional<RunOutcome> refusal(String app, Phase phase, String version) {
    return Decisions.guard(get(app), phase, version)
        .map(r -> RunOutcome.stopped(r.reason(), RunOutcome.How.REFUSED, null, r.message()));
  }

  /**
   * Records that the {@code phase} run of {@code version} succeeded with {@code compatibleFrom}: a
   * post phase raises the floor to it (never lowers it); a down migration sets it. Returns the
   * floor as it now stands.
   */
  public SchemaFloor record(
      String app, Phase phase, String version, String compatibleFrom, Instant at) {
    SchemaFloor next = new SchemaFloor(app, compatibleFrom, phase, version, at);
    for (int tries = 0; ; tries++) {
      try {
        ConfigMap current = client.configMaps().inNamespace(namespace).withName(name(app)).get();
        if (current == null) {
          client.configMaps().inNamespace(namespace).resource(encode(next, null)).create();
          return next;
        }
        SchemaFloor now = decode(current);
        if (phase == Phase.POST
            && Versions.compare(compatibleFrom, now.version()).map(c -> c <= 0).orElse(false)) {
          return now; // already at least as high
        }
        client
            .configMaps()
            .inNamespace(namespace)
            .resource(encode(next, current.getMetadata().getResourceVersion()))
            .update();
        return next;
      } catch (KubernetesClientException e) {
        if ((e.getCode() == 409) && tries < 5) {
          continue; // someone changed it meanwhile: read it again
        }
        throw ApiErrors.translate(client, e, "update", "configmaps", namespace);
      }
    }
  }

  private ConfigMap encode(SchemaFloor floor, String resourceVersion) {
    Map<String, String> data = new LinkedHashMap<>();
    data.put("app", floor.app());
    data.put("compatibleFrom", floor.version());
    data.put("setBy", floor.setBy().label());
    data.put("setByVersion", floor.setByVersion());
    data.put("at", floor.at().toString());
    return new ConfigMapBuilder()
        .withNewMetadata()
        .withName(name(floor.app()))
        .withNamespace(namespace)
        .withResourceVersion(resourceVersion)
        .addToLabels(Labels.MANAGED_BY, Labels.MANAGED_BY_VALUE)
        .addToLabels(Labels.APP, floor.app())
        .addToLabels(SharedReads.FLOOR_LABEL, "true")
        .endMetadata()
        .withData(data)
        .build();
  }

  private static SchemaFloor decode(ConfigMap cm) {
    Map<String, String> d = cm.getData() == null ? Map.of() : cm.getData();
    return new SchemaFloor(
        d.get("app"),
        d.get("compatibleFrom"),
        Phase.parse(d.getOrDefault("setBy", "post")),
        d.get("setByVersion"),
        d.containsKey("at") ? Instant.parse(d.get("at")) : Instant.EPOCH);
  }
}
