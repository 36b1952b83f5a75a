package dev.kubemigrate.job;

import dev.kubemigrate.api.DatabaseAddress;
import dev.kubemigrate.api.Durations;
import dev.kubemigrate.api.MigrationSpec;
import dev.kubemigrate.kube.ServerVersion;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builds the Job of one attempt of a migration: a pure function of the spec, the namespace and the
 * attempt, with no cluster involved.
 *
 * <p>The Job never retries behind kubemigrate's back ({@code backoffLimit} is the spec's retries, 0
 * by default, and {@code restartPolicy} is {@code Never}), ends at the timeout ({@code
 * activeDeadlineSeconds}), and carries the labels of {@link Labels} on itself and its pods, and the
 * raw version and {@link SpecHash} as annotations.
 *
 * <p>Given a pod template, the spec's fields are merged over a copy of it: the container named
 * {@value #CONTAINER_NAME} is taken from it if present (and otherwise added first), the spec's
 * values win over the template's, env vars are merged by name, lists (envFrom, tolerations, image
 * pull secrets) are appended to, and everything else (volumes, other containers, security contexts,
 * ...) is kept as it is.
 *
 * <p>Built for the server it is sent to, where a newer server can do better, and only there: on
 * Kubernetes 1.29 and later (JobPodReplacementPolicy, beta and on by default since 1.29, GA in
 * 1.34), a Job that may retry ({@code backoffLimit > 0}) has {@code podReplacementPolicy: Failed},
 * so that a retry's pod starts only once the pod before it has stopped, never beside a pod that is
 * still being stopped (a drain, a preemption), as two migrations at once. For any other server, or
 * one whose version is not known, the Job is exactly what it is for Kubernetes 1.20.
 *
 * <p>Start once: on a server before 1.26 (or of unknown version), a Job that may not retry ({@code
 * backoffLimit: 0}) still starts a second pod when its pod is deleted while it runs (a drain, a
 * person, a lost node): the Job controller of those versions counts a deleted pod as neither active
 * nor failed, and replaces it at once, beside the first pod that is still stopping, so the
 * migration would run twice (found by the fault suite, scripts/faults). Such a Job's migration
 * container mounts the key {@link #startOnceKey} of its attempt in the run's record (a ConfigMap):
 * the record holds that key until a caller sees a pod start the migration, then removes it, and the
 * kubelet cannot start a later pod whose volume's key is missing. kubemigrate reports that pod as
 * {@code PodDeleted} and deletes the Job. While the migration runs longer than a minute, the
 * kubelet's periodic refresh of the volume logs a harmless {@code FailedMount} warning on its pod.
 * From 1.26 (Job tracking with finalizers, GA) the controller counts a deleted pod as failed, and
 * the Job fails instead. {@link #buildWithoutRecord} leaves the volume out, for a Job that is
 * printed rather than run under a record.
 */
public final class JobFactory {

  /** The name of the container that runs the migration. */
  public static final String CONTAINER_NAME = "migrate";

  /** Tells {@code kubectl logs} and {@code kubectl exec} which container to default to. */
  static final String DEFAULT_CONTAINER_ANNOTATION = "kubectl.kubernetes.io/default-container";

  /** The volume and the record's key that let an attempt's Job start one pod: see above. */
  public static final String START_ONCE_VOLUME = "kubemigrate-start-once";

  /**
   * The key of the run's record that lets attempt {@code attempt}'s Job start one pod: see the
   * class's comment. One per attempt, so that a retry never frees a pod of an earlier attempt's Job
   * that still waits.
   */
  public static String startOnceKey(int attempt) {
    return "startOnce-" + attempt;
  }

  /** Where the migration container sees the start-once key (a file it never needs to read). */
  static final String START_ONCE_PATH = "/var/run/kubemigrate.dev";

  /** A retry's pod starts once the pod before it reached phase Failed (Kubernetes 1.29+). */
  static final String POD_REPLACEMENT_POLICY = "Failed";

  // Labels the Job controller sets on its pods: copied from another Job's pod, they would make the
  // API server reject the Job, because they cannot match its own selector.
  private static final Set<String> JOB_CONTROLLER_LABELS =
      Set.of(
          "controller-uid",
          "job-name",
          "batch.kubernetes.io/controller-uid",
          "batch.kubernetes.io/job-name",
          "batch.kubernetes.io/job-completion-index");

  /**
   * The Job for attempt {@code attempt} of {@code spec}.
   *
   * @param spec a {@linkplain MigrationSpec#validate() validated} spec; it is not changed
   * @param namespace the Job's namespace, or {@code null} to leave it out (as {@code render} may)
   * @param attempt 1 for the first attempt
   */
  public Job build(MigrationSpec spec, String namespace, int attempt) {
    return build(spec, namespace, attempt, ServerVersion.UNKNOWN);
  }

  /**
   * The Job for attempt {@code attempt} of {@code spec}, for an API server of version {@code
   * server}: see the class's comment for what differs by version.
   */
  public Job build(MigrationSpec spec, String namespace, int attempt, ServerVersion server) {
    return build(spec, namespace, attempt, server, true, null);
  }

  /**
   * The same, where kubemigrate's own image ({@code gateImage}, or else the spec's {@code
   * waitForDatabase.image}) can run in the pod: a Job that starts once then has the {@link
   * StartGate} in place of the start-once key. Null where neither is known.
   */
  public Job build(
      MigrationSpec spec, String namespace, int attempt, ServerVersion server, String gateImage) {
    return build(spec, namespace, attempt, server, true, gateImage);
  }

  /**
   * The Job for attempt {@code attempt} of {@code spec} as for any server, but without the
   * start-once volume: for `render`, whose Job may be applied where no run's record exists.
   */
  public Job buildWithoutRecord(MigrationSpec spec, String namespace, int attempt) {
    return build(spec, namespace, attempt, ServerVersion.UNKNOWN, false, null);
  }

  private Job build(
      MigrationSpec spec,
      String namespace,
      int attempt,
      ServerVersion server,
      boolean record,
      String gateImage) {
    String name = RunNames.jobName(spec.app(), spec.phase(), spec.version(), attempt);
    Map<String, String> labels =
        Labels.forAttempt(spec.app(), spec.phase(), spec.version(), attempt);
    Map<String, String> annotations = new LinkedHashMap<>();
    annotations.put(Labels.VERSION_ANNOTATION, spec.version());
    annotations.put(Labels.SPEC_HASH_ANNOTATION, SpecHash.of(spec));

    Job job =
        new JobBuilder()
            .withNewMetadata()
            .withName(name)
            .withNamespace(namespace)
            .withLabels(labels)
            .withAnnotations(annotations)
            .endMetadata()
            .withNewSpec()
            .withBackoffLimit(spec.retries())
            .withActiveDeadlineSeconds(wholeSeconds(spec.timeout()))
            .withTtlSecondsAfterFinished(Math.toIntExact(spec.ttlAfterFinished().toSeconds()))
            .withTemplate(podTemplate(spec, labels, annotations))
            .endSpec()
            .build();
    if (record && spec.retries() == 0 && !server.atLeast(1, 26)) {
      String image =
          gateImage != null
              ? gateImage
              : spec.waitForDatabase() == null ? null : spec.waitForDatabase().image();
      if (image != null) {
        startGate(job.getSpec().getTemplate().getSpec(), image);
      } else {
        startOnce(
            job.getSpec().getTemplate().getSpec(),
            RunNames.recordName(spec.app(), spec.phase(), spec.version()),
            attempt);
      }
    }
    if (spec.retries() > 0 && server.atLeast(1, 29)) {
      // Kubernetes' default (TerminatingOrFailed) starts the next try as soon as a pod is marked
      // for deletion, while it may still run; older servers drop the field (an alpha gate, 1.28).
      job.getSpec().setPodReplacementPolicy(POD_REPLACEMENT_POLICY);
    }
    return job;
  }

  /**
   * True when the Job may start one pod: its pods start only while the run's record holds its
   * start-once key, or once a caller let one through its {@link StartGate}.
   */
  public static boolean startsOnce(Job job) {
    return hasVolume(job, START_ONCE_VOLUME) || gated(job);
  }

  /** True when the Job's pods wait in their {@link StartGate} until a caller lets one through. */
  public static boolean gated(Job job) {
    return hasVolume(job, StartGate.VOLUME);
  }

  private static boolean hasVolume(Job job, String name) {
    PodSpec pod =
        job == null || job.getSpec() == null || job.getSpec().getTemplate() == null
            ? null
            : job.getSpec().getTemplate().getSpec();
    return pod != null
        && pod.getVolumes() != null
        && pod.getVolumes().stream().anyMatch(v -> name.equals(v.getName()));
  }

  /**
   * The least memory kubemigrate's own JVM containers (the start gate, wait-for-db) are given,
   * whatever the migration's limit.
   */
  static final io.fabric8.kubernetes.api.model.Quantity JVM_MEMORY =
      new io.fabric8.kubernetes.api.model.Quantity("128Mi");

  /**
   * {@code resources} with the request and limit of {@code resource} raised to {@code least} where
   * they are lower: the same resource names (what a quota or limit range asks for), enough to
   * start.
   */
  private static io.fabric8.kubernetes.api.model.ResourceRequirements atLeast(
      io.fabric8.kubernetes.api.model.ResourceRequirements resources,
      String resource,
      io.fabric8.kubernetes.api.model.Quantity least) {
    var copy = new ResourceRequirementsBuilder(resources).build();
    for (Map<String, io.fabric8.kubernetes.api.model.Quantity> m :
        java.util.Arrays.asList(copy.getRequests(), copy.getLimits())) {
      if (m != null
          && m.containsKey(resource)
          && io.fabric8.kubernetes.api.model.Quantity.getAmountInBytes(m.get(resource))
                  .compareTo(io.fabric8.kubernetes.api.model.Quantity.getAmountInBytes(least))
              < 0) {
        m.put(resource, least);
      }
    }
    return copy;
  }

  /**
   * The {@link StartGate}: an init container of kubemigrate's image, last of the pod's, that reads
   * the pod's own grant annotation through a downward API volume. It has the migration container's
   * resources, as {@code wait-for-db} has, so that a quota or limit range that admits the one
   * admits the other; but at least {@link #JVM_MEMORY} of memory, which its JVM needs.
   */
  private static void startGate(PodSpec pod, String image) {
    List<Volume> volumes =
        pod.getVolumes() == null ? new ArrayList<>() : new ArrayList<>(pod.getVolumes());
    volumes.add(
        new VolumeBuilder()
            .withName(StartGate.VOLUME)
            .withNewDownwardAPI()
            .addNewItem()
            .withPath(StartGate.FILE)
            .withNewFieldRef()
            .withFieldPath("metadata.annotations['" + StartGate.ANNOTATION + "']")
            .endFieldRef()
            .endItem()
            .endDownwardAPI()
            .build());
    pod.setVolumes(volumes);
    Container migrate = migrateContainer(pod);
    Container gate = new Container();
    gate.setName(StartGate.CONTAINER);
    gate.setImage(image);
    gate.setImagePullPolicy("IfNotPresent");
    gate.setArgs(List.of("start-once", "--grant-file", StartGate.GRANT_FILE));
    gate.setVolumeMounts(
        List.of(
            new VolumeMountBuilder()
                .withName(StartGate.VOLUME)
                .withMountPath(StartGate.MOUNT_PATH)
                .withReadOnly(true)
                .build()));
    if (migrate.getResources() != null) {
      gate.setResources(atLeast(migrate.getResources(), "memory", JVM_MEMORY));
    }
    gate.setTerminationMessagePolicy("FallbackToLogsOnError");
    addInitContainer(pod, gate);
  }

  /** The pod's migration container, {@value #CONTAINER_NAME}. */
  private static Container migrateContainer(PodSpec pod) {
    return pod.getContainers().stream()
        .filter(c -> CONTAINER_NAME.equals(c.getName()))
        .findFirst()
        .orElseThrow();
  }

  /**
   * Adds {@code container} as the last of the pod's init containers, in place of one of its name:
   * the template's own (a proxy, a secrets fetcher) come first.
   */
  private static void addInitContainer(PodSpec pod, Container container) {
    List<Container> init =
        pod.getInitContainers() == null
            ? new ArrayList<>()
            : new ArrayList<>(pod.getInitContainers());
    init.removeIf(c -> container.getName().equals(c.getName()));
    init.add(container);
    pod.setInitContainers(init);
  }

  private static void startOnce(PodSpec pod, String record, int attempt) {
    List<Volume> volumes =
        pod.getVolumes() == null ? new ArrayList<>() : new ArrayList<>(pod.getVolumes());
    volumes.add(
        new VolumeBuilder()
            .withName(START_ONCE_VOLUME)
            .withNewConfigMap()
            .withName(record)
            .addNewItem()
            .withKey(startOnceKey(attempt))
            .withPath("start-once")
            .endItem()
            .endConfigMap()
            .build());
    pod.setVolumes(volumes);
    for (Container c : pod.getContainers()) {
      if (CONTAINER_NAME.equals(c.getName())) {
        List<VolumeMount> mounts =
            c.getVolumeMounts() == null ? new ArrayList<>() : new ArrayList<>(c.getVolumeMounts());
        mounts.add(
            new VolumeMountBuilder()
                .withName(START_ONCE_VOLUME)
                .withMountPath(START_ONCE_PATH)
                .withReadOnly(true)
                .build());
        c.setVolumeMounts(mounts);
      }
    }
  }

  private static PodTemplateSpec podTemplate(
      MigrationSpec spec, Map<String, String> labels, Map<String, String> annotations) {
    // The builder copies deeply, so the spec's own template is never changed.
    PodTemplateSpec template =
        spec.podTemplate() == null
            ? new PodTemplateSpec()
            : new PodTemplateSpecBuilder(spec.podTemplate()).build();

    ObjectMeta metadata =
        template.getMetadata() == null ? new ObjectMeta() : template.getMetadata();
    Map<String, String> podLabels = mutable(metadata.getLabels());
    podLabels.keySet().removeAll(JOB_CONTROLLER_LABELS);
    podLabels.putAll(labels);
    metadata.setLabels(podLabels);
    Map<String, String> podAnnotations = mutable(metadata.getAnnotations());
    podAnnotations.putAll(annotations);
    podAnnotations.put(DEFAULT_CONTAINER_ANNOTATION, CONTAINER_NAME);
    metadata.setAnnotations(podAnnotations);
    template.setMetadata(metadata);

    PodSpec pod = template.getSpec() == null ? new PodSpec() : template.getSpec();
    pod.setRestartPolicy("Never");
    if (spec.serviceAccountName() != null) {
      pod.setServiceAccountName(spec.serviceAccountName());
    }
    Map<String, String> nodeSelector = mutable(pod.getNodeSelector());
    nodeSelector.putAll(spec.nodeSelector());
    pod.setNodeSelector(nodeSelector.isEmpty() ? null : nodeSelector);
    List<Toleration> tolerations = appendNew(pod.getTolerations(), spec.tolerations());
    pod.setTolerations(tolerations.isEmpty() ? null : tolerations);
    List<LocalObjectReference> pullSecrets =
        appendNew(
            pod.getImagePullSecrets(),
            spec.imagePullSecrets().stream().map(LocalObjectReference::new).toList());
    pod.setImagePullSecrets(pullSecrets.isEmpty() ? null : pullSecrets);
    pod.setContainers(withMigrateContainer(pod.getContainers(), spec));
    if (spec.waitForDatabase() != null) {
      addInitContainer(pod, waitForDatabase(spec.waitForDatabase(), migrateContainer(pod)));
    }
    template.setSpec(pod);
    return template;
  }

  private static List<Container> withMigrateContainer(
      List<Container> existing, MigrationSpec spec) {
    List<Container> containers = existing == null ? new ArrayList<>() : new ArrayList<>(existing);
    int index = -1;
    for (int i = 0; i < containers.size(); i++) {
      if (CONTAINER_NAME.equals(containers.get(i).getName())) {
        index = i;
      }
    }
    Container container = index < 0 ? new Container() : containers.get(index);
    container.setName(CONTAINER_NAME);
    container.setImage(spec.image());
    if (spec.imagePullPolicy() != null) {
      container.setImagePullPolicy(spec.imagePullPolicy());
    }
    if (!spec.command().isEmpty()) {
      container.setCommand(new ArrayList<>(spec.command()));
    }
    if (!spec.args().isEmpty()) {
      container.setArgs(new ArrayList<>(spec.args()));
    }
    List<EnvVar> env = mergeEnv(container.getEnv(), spec.env());
    container.setEnv(env.isEmpty() ? null : env);
    List<EnvFromSource> envFrom = appendNew(container.getEnvFrom(), spec.envFrom());
    container.setEnvFrom(envFrom.isEmpty() ? null : envFrom);
    if (spec.resources() != null) {
      container.setResources(new ResourceRequirementsBuilder(spec.resources()).build());
    }
    // Without it, a migration that dies without writing /dev/termination-log leaves no reason.
    container.setTerminationMessagePolicy("FallbackToLogsOnError");
    if (index < 0) {
      containers.add(0, container);
    }
    return containers;
  }

  /**
   * The init container that waits for the database ({@link MigrationSpec.WaitForDatabase}): {@code
   * wait-for-db} as the arguments of kubemigrate's image (its entrypoint is kubemigrate), with the
   * migration container's environment and its command and arguments after {@code --}, so that it
   * reads the database where the tool does; the same resources (an init container's do not add to
   * the pod's), and its log as termination message, which the run's verdict quotes. A password in
   * the URL given is not passed on: the wait never needs one.
   */
  private static Container waitForDatabase(MigrationSpec.WaitForDatabase wait, Container migrate) {
    List<String> args = new ArrayList<>();
    args.add("wait-for-db");
    args.add("--db-timeout");
    args.add(Durations.format(wait.timeout()));
    if (wait.url() != null) {
      args.add("--db");
      args.add(DatabaseAddress.masked(wait.url()));
    }
    List<String> migration = new ArrayList<>();
    if (migrate.getCommand() != null) {
      migration.addAll(migrate.getCommand());
    }
    if (migrate.getArgs() != null) {
      migration.addAll(migrate.getArgs());
    }
    if (!migration.isEmpty()) {
      args.add("--");
      args.addAll(migration);
    }
    Container c = new Container();
    c.setName(MigrationSpec.WAIT_FOR_DB_CONTAINER);
    c.setImage(wait.image());
    c.setImagePullPolicy("IfNotPresent");
    c.setArgs(args);
    c.setEnv(migrate.getEnv() == null ? null : new ArrayList<>(migrate.getEnv()));
    c.setEnvFrom(migrate.getEnvFrom() == null ? null : new ArrayList<>(migrate.getEnvFrom()));
    if (migrate.getResources() != null) {
      c.setResources(atLeast(migrate.getResources(), "memory", JVM_MEMORY));
    }
    c.setTerminationMessagePolicy("FallbackToLogsOnError");
    return c;
  }

  // The template's variables first, in their order; a spec variable of the same name replaces it
  // where it stands, so that $(VAR) references keep seeing what they saw before.
  private static List<EnvVar> mergeEnv(List<EnvVar> template, List<EnvVar> ours) {
    List<EnvVar> merged = template == null ? new ArrayList<>() : new ArrayList<>(template);
    for (EnvVar var : ours) {
      EnvVar copy = new EnvVar(var.getName(), var.getValue(), var.getValueFrom());
      boolean replaced = false;
      for (int i = 0; i < merged.size(); i++) {
        if (var.getName().equals(merged.get(i).getName())) {
          merged.set(i, copy);
          replaced = true;
        }
      }
      if (!replaced) {
        merged.add(copy);
      }
    }
    return merged;
  }

  private static <T> List<T> appendNew(List<T> template, List<T> ours) {
    List<T> merged = template == null ? new ArrayList<>() : new ArrayList<>(template);
    for (T item : ours) {
      if (!merged.contains(item)) {
        merged.add(item);
      }
    }
    return merged;
  }

  private static Map<String, String> mutable(Map<String, String> map) {
    return map == null ? new LinkedHashMap<>() : new LinkedHashMap<>(map);
  }

  private static long wholeSeconds(Duration duration) {
    long seconds = duration.getSeconds() + (duration.getNano() > 0 ? 1 : 0);
    return Math.max(1, seconds);
  }
}
