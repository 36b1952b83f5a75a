package dev.kubemigrate.record;

import dev.kubemigrate.api.Phase;
import dev.kubemigrate.api.Reason;
import dev.kubemigrate.api.RunRecord;
import dev.kubemigrate.api.RunState;
import dev.kubemigrate.job.JobFactory;
import dev.kubemigrate.job.Labels;
import dev.kubemigrate.job.RunNames;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Maps a {@link RunRecord} to and from the ConfigMap that stores it. A ConfigMap, not a custom
 * resource, so that `run`, `await` and `exec` work with namespaced RBAC and no CRD installed.
 */
public final class RecordCodec {

  public static final String RECORD_LABEL = "kubemigrate.dev/record";

  /** What the start-once key holds: read by nobody, it says what it is for. */
  static final String START_ONCE_VALUE =
      "the first pod of this attempt's Job may start; once one has, the key is removed";

  private RecordCodec() {}

  public static String name(String app, Phase phase, String version) {
    return RunNames.recordName(app, phase, version);
  }

  public static ConfigMap toConfigMap(String namespace, RunRecord r) {
    Map<String, String> data = new LinkedHashMap<>();
    put(data, "app", r.app());
    put(data, "phase", r.phase().label());
    put(data, "version", r.version());
    put(data, "state", r.state().display());
    put(data, "image", r.image());
    put(data, "specHash", r.specHash());
    put(data, "jobName", r.jobName());
    put(data, "jobUid", r.jobUid());
    put(data, "attempt", Integer.toString(r.attempt()));
    put(data, "startedAt", r.startedAt() == null ? null : r.startedAt().toString());
    put(data, "finishedAt", r.finishedAt() == null ? null : r.finishedAt().toString());
    put(data, "reason", r.reason() == null ? null : r.reason().label());
    put(data, "message", r.message());
    put(data, "exitCode", r.exitCode() == null ? null : r.exitCode().toString());
    put(data, "startedBy", r.startedBy());
    put(data, "logTail", r.logTail());
    put(data, "startedPod", r.startedPod());
    put(data, "schemaBefore", r.schemaBefore());
    put(data, "schemaAfter", r.schemaAfter());
    // The one start of an attempt's Job: its pod mounts this key (JobFactory), so a pod that
    // Kubernetes starts in place of one that started already cannot start while it is gone.
    put(
        data,
        JobFactory.startOnceKey(r.attempt()),
        r.state().isActive() && r.startedPod() == null && !r.inPod() ? START_ONCE_VALUE : null);
    Map<String, String> labels =
        new LinkedHashMap<>(Labels.selector(r.app(), r.phase(), r.version()));
    labels.put(RECORD_LABEL, "true");
    labels.put("kubemigrate.dev/state", r.state().display());
    return new ConfigMapBuilder()
        .withNewMetadata()
        .withName(name(r.app(), r.phase(), r.version()))
        .withNamespace(namespace)
        .withLabels(labels)
        .addToAnnotations(Labels.VERSION_ANNOTATION, r.version())
        .endMetadata()
        .withData(data)
        .build();
  }

  public static RunRecord fromConfigMap(ConfigMap cm) {
    Map<String, String> d = cm.getData() == null ? Map.of() : cm.getData();
    return new RunRecord(
        d.get("app"),
        Phase.parse(d.getOrDefault("phase", "pre")),
        d.get("version"),
        RunState.parse(d.getOrDefault("state", "Pending")),
        d.get("image"),
        d.get("specHash"),
        d.get("jobName"),
        d.get("jobUid"),
        Integer.parseInt(d.getOrDefault("attempt", "1")),
        instant(d.get("startedAt")),
        instant(d.get("finishedAt")),
        d.get("reason") == null ? null : Reason.of(d.get("reason")),
        d.get("message"),
        d.get("exitCode") == null ? null : Integer.valueOf(d.get("exitCode")),
        d.get("startedBy"),
        d.get("logTail"),
        d.get("startedPod"),
        d.get("schemaBefore"),
        d.get("schemaAfter"));
  }

  private static Instant instant(String value) {
    return value == null ? null : Instant.parse(value);
  }

  private static void put(Map<String, String> data, String key, String value) {
    if (value != null) {
      data.put(key, value);
    }
  }
}
