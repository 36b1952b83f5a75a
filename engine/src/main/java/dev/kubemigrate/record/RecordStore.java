package dev.kubemigrate.record;

import dev.kubemigrate.api.ExitCode;
import dev.kubemigrate.api.KubemigrateException;
import dev.kubemigrate.api.Phase;
import dev.kubemigrate.api.RunRecord;
import dev.kubemigrate.kube.ApiErrors;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.HttpURLConnection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Reads and writes run records. Every write is a compare-and-set: creation fails when another
 * runner claimed first, an update fails when another runner changed the record since it was read.
 */
public final class RecordStore {

  private final KubernetesClient client;
  private final String namespace;

  public RecordStore(KubernetesClient client, String namespace) {
    this.client = client;
    this.namespace = namespace;
  }

  public String namespace() {
    return namespace;
  }

  public Optional<StoredRecord> get(String app, Phase phase, String version) {
    String name = RecordCodec.name(app, phase, version);
    try {
      ConfigMap cm = client.configMaps().inNamespace(namespace).withName(name).get();
      return Optional.ofNullable(cm).map(RecordStore::stored);
    } catch (KubernetesClientException e) {
      throw ApiErrors.translate(e, "get", "configmaps", namespace);
    }
  }

  /** The record, or a failure (exit 1) saying there is none in this namespace. */
  public StoredRecord require(String app, Phase phase, String version) {
    return get(app, phase, version)
        .orElseThrow(
            () ->
                new KubemigrateException(
                    ExitCode.FAILED,
                    "no migration of "
                        + app
                        + " "
                        + version
                        + " ("
                        + phase.label()
                        + ") recorded in namespace "
                        + namespace));
  }

  /** The claim: empty when a record for (app, phase, version) exists already. */
  public Optional<StoredRecord> create(RunRecord record) {
    try {
      ConfigMap created =
          client
              .configMaps()
              .inNamespace(namespace)
              .resource(RecordCodec.toConfigMap(namespace, record))
              .create();
      return Optional.of(stored(created));
    } catch (KubernetesClientException e) {
      if (e.getCode() == HttpURLConnection.HTTP_CONFLICT) {
        return Optional.empty();
      }
      throw ApiErrors.translate(e, "create", "configmaps", namespace);
    }
  }

  /** Empty when the record changed since {@code current} was read. */
  public Optional<StoredRecord> update(StoredRecord current, RunRecord next) {
    ConfigMap cm = RecordCodec.toConfigMap(namespace, next);
    cm.getMetadata().setResourceVersion(current.resourceVersion());
    try {
      return Optional.of(stored(client.configMaps().inNamespace(namespace).resource(cm).update()));
    } catch (KubernetesClientException e) {
      if (e.getCode() == HttpURLConnection.HTTP_CONFLICT
          || e.getCode() == HttpURLConnection.HTTP_NOT_FOUND) {
        return Optional.empty();
      }
      throw ApiErrors.translate(e, "update", "configmaps", namespace);
    }
  }

  /** Every record of the app, newest first. */
  public List<RunRecord> list(String app) {
    try {
      return client
          .configMaps()
          .inNamespace(namespace)
          .withLabel(RecordCodec.RECORD_LABEL, "true")
          .withLabel(dev.kubemigrate.job.Labels.APP, app)
          .list()
          .getItems()
          .stream()
          .map(RecordCodec::fromConfigMap)
          .sorted(
              Comparator.comparing(
                      RunRecord::startedAt, Comparator.nullsLast(Comparator.naturalOrder()))
                  .reversed())
          .toList();
    } catch (KubernetesClientException e) {
      throw ApiErrors.translate(e, "list", "configmaps", namespace);
    }
  }

  /**
   * Keeps the history bounded: deletes the oldest finished records of the app beyond {@code keep}.
   * Active runs are never pruned. Returns how many were deleted.
   */
  public int prune(String app, int keep) {
    List<RunRecord> all = list(app);
    int deleted = 0;
    for (RunRecord r : all.subList(Math.min(keep, all.size()), all.size())) {
      if (r.state().isActive()) {
        continue;
      }
      try {
        client
            .configMaps()
            .inNamespace(namespace)
            .withName(RecordCodec.name(r.app(), r.phase(), r.version()))
            .delete();
        deleted++;
      } catch (KubernetesClientException e) {
        throw ApiErrors.translate(e, "delete", "configmaps", namespace);
      }
    }
    return deleted;
  }

  private static StoredRecord stored(ConfigMap cm) {
    return new StoredRecord(RecordCodec.fromConfigMap(cm), cm.getMetadata().getResourceVersion());
  }
}
