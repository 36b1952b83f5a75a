package dev.kubemigrate.record;

import dev.kubemigrate.api.KubemigrateException;
import dev.kubemigrate.api.Phase;
import dev.kubemigrate.api.Reason;
import dev.kubemigrate.api.RecordCache;
import dev.kubemigrate.api.RunRecord;
import dev.kubemigrate.kube.ApiErrors;
import dev.kubemigrate.kube.Namespaces;
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
  private final RecordCache cache;

  /** Set once a write lost a race: from then on, reads go to the API server, not the cache. */
  private volatile boolean stale;

  public RecordStore(KubernetesClient client, String namespace) {
    this(client, namespace, null);
  }

  /**
   * Reads from {@code cache} (null: none) until a write loses a race; writes always go to the API
   * server, as compare-and-sets.
   */
  public RecordStore(KubernetesClient client, String namespace, RecordCache cache) {
    this.client = client;
    this.namespace = namespace;
    this.cache = cache;
  }

  public String namespace() {
    return namespace;
  }

  public Optional<StoredRecord> get(String app, Phase phase, String version) {
    if (cache != null && !stale) {
      return cache.get(namespace, RecordCodec.name(app, phase, version)).map(RecordStore::stored);
    }
    return read(app, phase, version);
  }

  /** The record as the API server has it now, whatever the cache says. */
  public Optional<StoredRecord> read(String app, Phase phase, String version) {
    String name = RecordCodec.name(app, phase, version);
    try {
      ConfigMap cm = client.configMaps().inNamespace(namespace).withName(name).get();
      return Optional.ofNullable(cm).map(RecordStore::stored);
    } catch (KubernetesClientException e) {
      throw ApiErrors.translate(client, e, "get", "configmaps", namespace);
    }
  }

  /**
   * The record, or a not-found error (exit 7) saying there is none in this namespace, or that the
   * namespace does not exist.
   */
  public StoredRecord require(String app, Phase phase, String version) {
    return get(app, phase, version).orElseThrow(() -> notRecorded(app + " " + version, phase));
  }

  /** The error for no record of {@code what} (an app, or an app and version) in this namespace. */
  public KubemigrateException notRecorded(String what, Phase phase) {
    Namespaces.requireExists(client, namespace);
    return new KubemigrateException(
        Reason.NOT_FOUND,
        "no migration of "
            + what
            + " ("
            + phase.label()
            + ") recorded in namespace "
            + namespace
            + ": `kubemigrate history --app APP` lists what ran",
        null);
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
        stale = true;
        return Optional.empty();
      }
      throw ApiErrors.translate(client, e, "create", "configmaps", namespace);
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
        stale = true;
        return Optional.empty();
      }
      throw ApiErrors.translate(client, e, "update", "configmaps", namespace);
    }
  }

  /**
   * Deletes the record if it is still as read (a claim released before anything ran); a record that
   * changed since is left alone.
   */
  public void delete(StoredRecord current) {
    RunRecord record = current.record();
    try {
      client
          .configMaps()
          .inNamespace(namespace)
          .withName(RecordCodec.name(record.app(), record.phase(), record.version()))
          .lockResourceVersion(current.resourceVersion())
          .delete();
    } catch (KubernetesClientException e) {
      if (e.getCode() == HttpURLConnection.HTTP_CONFLICT
          || e.getCode() == HttpURLConnection.HTTP_NOT_FOUND) {
        return;
      }
      throw ApiErrors.translate(client, e, "delete", "configmaps", namespace);
    }
  }

  /** From now on, reads go to the API server: the cache may be behind what a watch saw. */
  public void bypassCache() {
    stale = true;
  }

  /**
   * Every record of the app as the API server has it now, newest first. Never from the cache: the
   * app's other runs are settled from this list, and a missed active run would let two versions
   * migrate at once.
   */
  public List<RunRecord> list(String app) {
    try {
      return newestFirst(
          client
              .configMaps()
              .inNamespace(namespace)
              .withLabel(RecordCodec.RECORD_LABEL, "true")
              .withLabel(dev.kubemigrate.job.Labels.APP, app)
              .list()
              .getItems()
              .stream()
              .map(RecordCodec::fromConfigMap)
              .toList());
    } catch (KubernetesClientException e) {
      throw ApiErrors.translate(client, e, "list", "configmaps", namespace);
    }
  }

  private static List<RunRecord> newestFirst(List<RunRecord> records) {
    return records.stream()
        .sorted(
            Comparator.comparing(
                    RunRecord::startedAt, Comparator.nullsLast(Comparator.naturalOrder()))
                .reversed())
        .toList();
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
        throw ApiErrors.translate(client, e, "delete", "configmaps", namespace);
      }
    }
    return deleted;
  }

  private static StoredRecord stored(ConfigMap cm) {
    return new StoredRecord(RecordCodec.fromConfigMap(cm), cm.getMetadata().getResourceVersion());
  }
}
