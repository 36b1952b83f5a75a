package dev.kubemigrate.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import dev.kubemigrate.api.MigrationSpec;
import dev.kubemigrate.api.Phase;
import dev.kubemigrate.kube.ServerVersion;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSourceBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class JobFactoryTest {

  private final JobFactory factory = new JobFactory();

  @Test
  @DisplayName("the Job never retries on its own, ends at the timeout and is cleaned up by TTL")
  void setsRetryTimeoutAndTtl() {
    // Given
    MigrationSpec spec = TestSpecs.shop().timeout(Duration.ofMinutes(15)).build().validate();

    // When
    Job job = factory.build(spec, "shop", 1);

    // Then
    assertThat(job.getApiVersion()).isEqualTo("batch/v1");
    assertThat(job.getKind()).isEqualTo("Job");
    assertThat(job.getMetadata().getName())
        .isEqualTo(RunNames.jobName("shop", Phase.PRE, "11.8.2", 1));
    assertThat(job.getMetadata().getNamespace()).isEqualTo("shop");
    assertThat(job.getSpec().getBackoffLimit()).isZero();
    assertThat(job.getSpec().getActiveDeadlineSeconds()).isEqualTo(900L);
    assertThat(job.getSpec().getTtlSecondsAfterFinished()).isEqualTo(86_400);
    assertThat(job.getSpec().getTemplate().getSpec().getRestartPolicy()).isEqualTo("Never");
  }

  @Test
  @DisplayName("for 1.20, an unknown server and up to 1.28, the Job is exactly the Job of 1.20")
  void olderServersGetTodaysJob() {
    // Given a spec that may retry
    MigrationSpec spec = TestSpecs.shop().retries(2).build().validate();
    Job today = factory.build(spec, "shop", 1);

    // When / Then
    for (ServerVersion server :
        List.of(ServerVersion.UNKNOWN, new ServerVersion(1, 20), new ServerVersion(1, 28))) {
      assertThat(factory.build(spec, "shop", 1, server)).as("for %s", server).isEqualTo(today);
    }
    assertThat(today.getSpec().getPodReplacementPolicy()).isNull();
  }

  @Test
  @DisplayName("from 1.29, a Job that may retry starts a retry only once the pod before it stopped")
  void newerServersReplaceOnlyFailedPods() {
    // Given JobPodReplacementPolicy: beta and on by default since 1.29 (kubernetes#121491), GA in
    // 1.34; staging/src/k8s.io/api/batch/v1/types.go, JobSpec.PodReplacementPolicy
    MigrationSpec retrying = TestSpecs.shop().retries(2).build().validate();
    MigrationSpec once = TestSpecs.shop().build().validate();

    // When
    Job v129 = factory.build(retrying, "shop", 1, new ServerVersion(1, 29));
    Job v135 = factory.build(retrying, "shop", 1, new ServerVersion(1, 35));
    Job noRetry = factory.build(once, "shop", 1, new ServerVersion(1, 35));

    // Then: only that field differs; a Job without retries has no replacement to hold back
    assertThat(v129.getSpec().getPodReplacementPolicy()).isEqualTo("Failed");
    assertThat(v135.getSpec().getPodReplacementPolicy()).isEqualTo("Failed");
    v135.getSpec().setPodReplacementPolicy(null);
    assertThat(v135).isEqualTo(factory.build(retrying, "shop", 1));
    assertThat(noRetry).isEqualTo(factory.build(once, "shop", 1, new ServerVersion(1, 26)));
  }

  @Test
  @DisplayName(
      "before 1.26, where kubemigrate's image is known, a Job that may not retry has the start"
          + " gate in place of the key: an init container that reads the pod's own grant")
  void olderServersGateTheStartWithKubemigratesImage() {
    MigrationSpec once =
        TestSpecs.shop()
            .resources(
                new io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder()
                    .addToLimits("memory", new io.fabric8.kubernetes.api.model.Quantity("256Mi"))
                    .build())
            .build()
            .validate();
    String image = "ghcr.io/kubemigrate/kubemigrate:0.1.0";
    for (ServerVersion server :
        List.of(ServerVersion.UNKNOWN, new ServerVersion(1, 20), new ServerVersion(1, 25))) {
      Job job = factory.build(once, "shop", 1, server, image);
      PodSpec pod = job.getSpec().getTemplate().getSpec();
      assertThat(JobFactory.startsOnce(job)).as("for %s", server).isTrue();
      assertThat(JobFactory.gated(job)).as("for %s", server).isTrue();
      // No key: the record gives up its key when a pod is chosen, which may be before that pod's
      // volumes are mounted
      assertThat(pod.getVolumes())
          .singleElement()
          .satisfies(
              v ->
                  assertThat(v.getDownwardAPI().getItems())
                      .singleElement()
                      .satisfies(
                          i ->
                              assertThat(i.getFieldRef().getFieldPath())
                                  .isEqualTo(
                                      "metadata.annotations['kubemigrate.dev/start-granted']")));
      assertThat(pod.getContainers().get(0).getVolumeMounts()).isNullOrEmpty();
      assertThat(pod.getInitContainers())
          .singleElement()
          .satisfies(
              c -> {
                assertThat(c.getName()).isEqualTo(StartGate.CONTAINER);
                assertThat(c.getImage()).isEqualTo(image);
                assertThat(c.getArgs())
                    .containsExactly("start-once", "--grant-file", StartGate.GRANT_FILE);
                assertThat(c.getVolumeMounts())
                    .extracting(m -> m.getMountPath(), m -> m.getReadOnly())
                    .containsExactly(tuple("/var/run/kubemigrate.dev/gate", true));
                // The migration's resources, but never too little memory for the JVM
                assertThat(c.getResources().getLimits())
                    .containsEntry("memory", new Quantity("256Mi"));
              });
    }
    MigrationSpec small =
        TestSpecs.shop()
            .resources(
                new ResourceRequirementsBuilder()
                    .addToRequests("memory", new Quantity("16Mi"))
                    .addToRequests("cpu", new Quantity("50m"))
                    .addToLimits("memory", new Quantity("32Mi"))
                    .build())
            .build()
            .validate();
    assertThat(
            factory
                .build(small, "shop", 1, ServerVersion.UNKNOWN, image)
                .getSpec()
                .getTemplate()
                .getSpec()
                .getInitContainers()
                .get(0)
                .getResources())
        .satisfies(
            r -> {
              assertThat(r.getRequests())
                  .containsEntry("memory", new Quantity("128Mi"))
                  .containsEntry("cpu", new Quantity("50m"));
              assertThat(r.getLimits()).containsEntry("memory", new Quantity("128Mi"));
            });
    assertThat(small.resources().getLimits()).containsEntry("memory", new Quantity("32Mi"));
    // After wait-for-db, whose image it takes when none other is given
    MigrationSpec waiting =
        TestSpecs.shop()
            .waitForDatabase(new MigrationSpec.WaitForDatabase(null, null, image))
            .build()
            .validate();
    Job job = factory.build(waiting, "shop", 1, new ServerVersion(1, 20), null);
    assertThat(job.getSpec().getTemplate().getSpec().getInitContainers())
        .extracting(c -> c.getName(), c -> c.getImage())
        .containsExactly(
            tuple(MigrationSpec.WAIT_FOR_DB_CONTAINER, image), tuple(StartGate.CONTAINER, image));
    // From 1.26 a deleted pod fails the Job; a Job that may retry starts its retries' pods
    assertThat(
            JobFactory.startsOnce(factory.build(once, "shop", 1, new ServerVersion(1, 26), image)))
        .isFalse();
    assertThat(
            factory
                .build(once, "shop", 1, new ServerVersion(1, 26), image)
                .getSpec()
                .getTemplate()
                .getSpec()
                .getInitContainers())
        .isNullOrEmpty();
    MigrationSpec retrying = TestSpecs.shop().retries(1).build().validate();
    assertThat(
            JobFactory.startsOnce(factory.build(retrying, "shop", 1, ServerVersion.UNKNOWN, image)))
        .isFalse();
  }

  @Test
  @DisplayName(
      "before 1.26, a Job that may not retry mounts its record's start-once key: a pod started in"
          + " place of a deleted one cannot start")
  void olderServersStartOnce() {
    MigrationSpec once = TestSpecs.shop().build().validate();
    MigrationSpec retrying = TestSpecs.shop().retries(1).build().validate();
    for (ServerVersion server :
        List.of(ServerVersion.UNKNOWN, new ServerVersion(1, 20), new ServerVersion(1, 25))) {
      Job job = factory.build(once, "shop", 1, server);
      PodSpec pod = job.getSpec().getTemplate().getSpec();
      assertThat(JobFactory.startsOnce(job)).as("for %s", server).isTrue();
      assertThat(pod.getVolumes())
          .singleElement()
          .satisfies(
              v -> {
                assertThat(v.getName()).isEqualTo(JobFactory.START_ONCE_VOLUME);
                assertThat(v.getConfigMap().getName())
                    .isEqualTo(RunNames.recordName("shop", Phase.PRE, "11.8.2"));
                assertThat(v.getConfigMap().getOptional()).isNull();
                assertThat(v.getConfigMap().getItems())
                    .extracting(i -> i.getKey())
                    .containsExactly(JobFactory.startOnceKey(1));
              });
      assertThat(pod.getContainers().get(0).getVolumeMounts())
          .extracting(m -> m.getName(), m -> m.getReadOnly())
          .containsExactly(tuple(JobFactory.START_ONCE_VOLUME, true));
    }
    // Each attempt's Job its own key
    assertThat(
            factory
                .build(once, "shop", 2, ServerVersion.UNKNOWN)
                .getSpec()
                .getTemplate()
                .getSpec()
                .getVolumes()
                .get(0)
                .getConfigMap()
                .getItems()
                .get(0)
                .getKey())
        .isEqualTo(JobFactory.startOnceKey(2));
    // A printed Job has no record behind it
    assertThat(JobFactory.startsOnce(factory.buildWithoutRecord(once, "shop", 1))).isFalse();
    // A Job that may retry starts its retries' pods; from 1.26 a deleted pod fails the Job
    assertThat(JobFactory.startsOnce(factory.build(retrying, "shop", 1))).isFalse();
    for (ServerVersion server : List.of(new ServerVersion(1, 26), new ServerVersion(1, 33))) {
      Job job = factory.build(once, "shop", 1, server);
      assertThat(JobFactory.startsOnce(job)).as("for %s", server).isFalse();
      assertThat(job.getSpec().getTemplate().getSpec().getVolumes()).isNullOrEmpty();
    }
  }

  @Test
  @DisplayName("retries become the Job's backoffLimit")
  void retriesBecomeBackoffLimit() {
    // Given
    MigrationSpec spec = TestSpecs.shop().retries(3).build().validate();

    // When
    Job job = factory.build(spec, "shop", 1);

    // Then
    assertThat(job.getSpec().getBackoffLimit()).isEqualTo(3);
  }

  @Test
  @DisplayName("the Job and its pods carry the labels, the raw version and the spec hash")
  void labelsJobAndPods() {
    // Given
    MigrationSpec spec =
        TestSpecs.shop().version("1.2.3+build.7").phase(Phase.POST).build().validate();

    // When
    Job job = factory.build(spec, "shop", 2);

    // Then
    Map<String, String> expected = Labels.forAttempt("shop", Phase.POST, "1.2.3+build.7", 2);
    assertThat(job.getMetadata().getName()).endsWith("-r2");
    assertThat(job.getMetadata().getLabels()).isEqualTo(expected);
    assertThat(job.getMetadata().getLabels())
        .containsEntry("app.kubernetes.io/managed-by", "kubemigrate")
        .containsEntry("kubemigrate.dev/app", "shop")
        .containsEntry("kubemigrate.dev/phase", "post")
        .containsEntry("kubemigrate.dev/attempt", "2");
    assertThat(job.getSpec().getTemplate().getMetadata().getLabels())
        .containsAllEntriesOf(expected);
    assertThat(job.getMetadata().getAnnotations())
        .containsEntry("kubemigrate.dev/version", "1.2.3+build.7")
        .containsEntry("kubemigrate.dev/spec-hash", SpecHash.of(spec));
    assertThat(job.getSpec().getTemplate().getMetadata().getAnnotations())
        .containsEntry("kubemigrate.dev/version", "1.2.3+build.7")
        .containsEntry("kubectl.kubernetes.io/default-container", "migrate");
  }

  @Test
  @DisplayName("the migrate container gets image, command, args, env, envFrom and resources")
  void fillsTheMigrateContainer() {
    // Given
    MigrationSpec spec =
        TestSpecs.shop()
            .command(List.of("flyway"))
            .imagePullPolicy("IfNotPresent")
            .addEnvFrom(
                new EnvFromSourceBuilder().withNewSecretRef().withName("db").endSecretRef().build())
            .resources(
                new ResourceRequirementsBuilder()
                    .addToRequests("memory", new Quantity("256Mi"))
                    .addToLimits("memory", new Quantity("256Mi"))
                    .build())
            .build()
            .validate();

    // When
    Job job = factory.build(spec, "shop", 1);

    // Then
    List<Container> containers = job.getSpec().getTemplate().getSpec().getContainers();
    assertThat(containers).hasSize(1);
    Container migrate = containers.get(0);
    assertThat(migrate.getName()).isEqualTo("migrate");
    assertThat(migrate.getImage()).isEqualTo("kubemigrate.local/flyway:11.8.2");
    assertThat(migrate.getImagePullPolicy()).isEqualTo("IfNotPresent");
    assertThat(migrate.getCommand()).containsExactly("flyway");
    assertThat(migrate.getArgs()).containsExactly("migrate");
    assertThat(migrate.getEnv())
        .extracting(EnvVar::getName)
        .containsExactly("FLYWAY_URL", "FLYWAY_PASSWORD");
    assertThat(migrate.getEnvFrom().get(0).getSecretRef().getName()).isEqualTo("db");
    assertThat(migrate.getResources().getLimits()).containsEntry("memory", new Quantity("256Mi"));
    assertThat(migrate.getTerminationMessagePolicy()).isEqualTo("FallbackToLogsOnError");
  }

  @Test
  @DisplayName("without a command the image's entrypoint is kept, and no pull policy is forced")
  void keepsEntrypointWithoutCommand() {
    // Given
    MigrationSpec spec = TestSpecs.shop().build().validate();

    // When
    Job job = factory.build(spec, null, 1);

    // Then
    Container migrate = job.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(migrate.getCommand()).isNullOrEmpty();
    assertThat(migrate.getImagePullPolicy()).isNull();
    assertThat(job.getMetadata().getNamespace()).isNull();
  }

  @Test
  @DisplayName("the pod gets service account, node selector, tolerations and pull secrets")
  void fillsThePod() {
    // Given
    Toleration toleration =
        new TolerationBuilder().withKey("dedicated").withOperator("Equal").withValue("db").build();
    MigrationSpec spec =
        TestSpecs.shop()
            .serviceAccountName("migrator")
            .putNodeSelector("disk", "ssd")
            .tolerations(List.of(toleration))
            .addImagePullSecret("regcred")
            .build()
            .validate();

    // When
    Job job = factory.build(spec, "shop", 1);

    // Then
    PodSpec pod = job.getSpec().getTemplate().getSpec();
    assertThat(pod.getServiceAccountName()).isEqualTo("migrator");
    assertThat(pod.getNodeSelector()).containsExactly(Map.entry("disk", "ssd"));
    assertThat(pod.getTolerations()).containsExactly(toleration);
    assertThat(pod.getImagePullSecrets()).containsExactly(new LocalObjectReference("regcred"));
    assertThat(pod.getAutomountServiceAccountToken()).isNull();
  }

  @Test
  @DisplayName("merges over a pod template, keeping its volumes, sidecars and security context")
  void mergesOverPodTemplate() {
    // Given
    PodTemplateSpec template =
        new PodTemplateSpecBuilder()
            .withNewMetadata()
            .addToLabels("team", "db")
            .addToLabels("job-name", "stale")
            .addToLabels("kubemigrate.dev/app", "wrong")
            .addToAnnotations("sidecar.istio.io/inject", "false")
            .endMetadata()
            .withNewSpec()
            .withRestartPolicy("OnFailure")
            .withNewSecurityContext()
            .withRunAsNonRoot(true)
            .endSecurityContext()
            .addNewVolume()
            .withName("sql")
            .withNewConfigMap()
            .withName("shop-sql")
            .endConfigMap()
            .endVolume()
            .addNewContainer()
            .withName("proxy")
            .withImage("cloud-sql-proxy:2")
            .endContainer()
            .addNewContainer()
            .withName("migrate")
            .withImage("placeholder")
            .withCommand("flyway")
            .addNewVolumeMount()
            .withName("sql")
            .withMountPath("/flyway/sql")
            .endVolumeMount()
            .addNewEnv()
            .withName("FLYWAY_URL")
            .withValue("from-template")
            .endEnv()
            .addNewEnv()
            .withName("FLYWAY_LOCATIONS")
            .withValue("filesystem:/flyway/sql")
            .endEnv()
            .endContainer()
            .addToNodeSelector("zone", "a")
            .addNewImagePullSecret("template-cred")
            .endSpec()
            .build();
    MigrationSpec spec =
        TestSpecs.shop()
            .podTemplate(template)
            .putNodeSelector("disk", "ssd")
            .addImagePullSecret("regcred")
            .build()
            .validate();

    // When
    Job job = factory.build(spec, "shop", 1);

    // Then
    PodTemplateSpec pod = job.getSpec().getTemplate();
    assertThat(pod.getMetadata().getLabels())
        .containsEntry("team", "db")
        .containsEntry("kubemigrate.dev/app", "shop")
        .doesNotContainKey("job-name");
    assertThat(pod.getMetadata().getAnnotations())
        .containsEntry("sidecar.istio.io/inject", "false");
    assertThat(pod.getSpec().getRestartPolicy()).isEqualTo("Never");
    assertThat(pod.getSpec().getSecurityContext().getRunAsNonRoot()).isTrue();
    // The template's volumes first; the start-once volume of a Job that may not retry after them
    assertThat(pod.getSpec().getVolumes())
        .extracting("name")
        .containsExactly("sql", JobFactory.START_ONCE_VOLUME);
    assertThat(pod.getSpec().getNodeSelector())
        .containsOnly(Map.entry("zone", "a"), Map.entry("disk", "ssd"));
    assertThat(pod.getSpec().getImagePullSecrets())
        .extracting(LocalObjectReference::getName)
        .containsExactly("template-cred", "regcred");
    assertThat(pod.getSpec().getContainers())
        .extracting(Container::getName)
        .containsExactly("proxy", "migrate");
    Container migrate = pod.getSpec().getContainers().get(1);
    assertThat(migrate.getImage()).isEqualTo("kubemigrate.local/flyway:11.8.2");
    assertThat(migrate.getCommand()).containsExactly("flyway");
    assertThat(migrate.getArgs()).containsExactly("migrate");
    assertThat(migrate.getVolumeMounts())
        .extracting("mountPath")
        .containsExactly("/flyway/sql", JobFactory.START_ONCE_PATH);
    assertThat(migrate.getEnv())
        .extracting(EnvVar::getName, EnvVar::getValue)
        .containsExactly(
            tuple("FLYWAY_URL", "jdbc:postgresql://db:5432/shop"),
            tuple("FLYWAY_LOCATIONS", "filesystem:/flyway/sql"),
            tuple("FLYWAY_PASSWORD", "s3cret"));
    assertThat(migrate.getTerminationMessagePolicy()).isEqualTo("FallbackToLogsOnError");

    // The spec's own template is untouched.
    assertThat(template.getSpec().getRestartPolicy()).isEqualTo("OnFailure");
    assertThat(template.getSpec().getContainers().get(1).getImage()).isEqualTo("placeholder");
    assertThat(template.getMetadata().getLabels()).containsEntry("job-name", "stale");
  }

  @Test
  @DisplayName("adds the migrate container first when the pod template has none")
  void addsMigrateContainerFirst() {
    // Given
    PodTemplateSpec template =
        new PodTemplateSpecBuilder()
            .withNewSpec()
            .addNewContainer()
            .withName("proxy")
            .withImage("proxy:1")
            .endContainer()
            .endSpec()
            .build();
    MigrationSpec spec = TestSpecs.shop().podTemplate(template).build().validate();

    // When
    Job job = factory.build(spec, "shop", 1);

    // Then
    assertThat(job.getSpec().getTemplate().getSpec().getContainers())
        .extracting(Container::getName)
        .containsExactly("migrate", "proxy");
  }

  @Test
  @DisplayName("building twice gives equal Jobs: the Job is a pure function of its inputs")
  void isDeterministic() {
    // Given
    MigrationSpec spec = TestSpecs.shop().putNodeSelector("disk", "ssd").build().validate();

    // When
    Job first = factory.build(spec, "shop", 1);
    Job second = factory.build(spec, "shop", 1);

    // Then
    assertThat(first).isEqualTo(second);
  }

  @Test
  @DisplayName(
      "--wait-for-db: an init container of kubemigrate's image runs wait-for-db with the migration's"
          + " environment, resources, command and arguments, and no password of --db")
  void waitForDatabaseIsAnInitContainer() {
    // Given
    MigrationSpec spec =
        TestSpecs.shop()
            .command(List.of("/flyway/flyway"))
            .args(List.of("-url=jdbc:postgresql://db/shop", "migrate"))
            .env(List.of(new io.fabric8.kubernetes.api.model.EnvVar("FLYWAY_USER", "app", null)))
            .addEnvFrom(
                new io.fabric8.kubernetes.api.model.EnvFromSourceBuilder()
                    .withNewSecretRef()
                    .withName("db")
                    .endSecretRef()
                    .build())
            .resources(
                new io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder()
                    .addToLimits("memory", new io.fabric8.kubernetes.api.model.Quantity("256Mi"))
                    .build())
            .waitForDatabase(
                new MigrationSpec.WaitForDatabase(
                    Duration.ofSeconds(90),
                    "postgres://app:s3cret@db:5432/shop",
                    "registry.example/kubemigrate:0.1.0"))
            .build()
            .validate();
    // When
    Job job = factory.build(spec, "shop", 1);
    // Then
    io.fabric8.kubernetes.api.model.PodSpec pod = job.getSpec().getTemplate().getSpec();
    // Then the wait, and (before Kubernetes 1.26) the start gate, which takes the same image
    assertThat(pod.getInitContainers())
        .extracting(io.fabric8.kubernetes.api.model.Container::getName)
        .containsExactly("wait-for-db", StartGate.CONTAINER);
    io.fabric8.kubernetes.api.model.Container init = pod.getInitContainers().get(0);
    io.fabric8.kubernetes.api.model.Container migrate = pod.getContainers().get(0);
    assertThat(init.getName()).isEqualTo("wait-for-db");
    assertThat(init.getImage()).isEqualTo("registry.example/kubemigrate:0.1.0");
    assertThat(init.getImagePullPolicy()).isEqualTo("IfNotPresent");
    assertThat(init.getCommand()).isEmpty(); // the image's entrypoint is kubemigrate
    assertThat(init.getArgs())
        .containsExactly(
            "wait-for-db",
            "--db-timeout",
            "1m30s",
            "--db",
            "postgres://app:***@db:5432/shop",
            "--",
            "/flyway/flyway",
            "-url=jdbc:postgresql://db/shop",
            "migrate");
    assertThat(init.getEnv()).isEqualTo(migrate.getEnv());
    assertThat(init.getEnvFrom()).isEqualTo(migrate.getEnvFrom());
    assertThat(init.getResources()).isEqualTo(migrate.getResources());
    assertThat(init.getTerminationMessagePolicy()).isEqualTo("FallbackToLogsOnError");
    assertThat(init.getVolumeMounts()).isEmpty(); // the gate's volume is the gate's alone
    assertThat(job.toString()).doesNotContain("s3cret");
  }

  @Test
  @DisplayName(
      "--wait-for-db after the template's own init containers; without it, no init container is"
          + " added")
  void waitForDatabaseComesLast() {
    io.fabric8.kubernetes.api.model.PodTemplateSpec template =
        new io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder()
            .withNewSpec()
            .addNewInitContainer()
            .withName("proxy")
            .withImage("proxy:1")
            .endInitContainer()
            .endSpec()
            .build();
    MigrationSpec waiting =
        TestSpecs.shop()
            .podTemplate(template)
            .waitForDatabase(new MigrationSpec.WaitForDatabase(null, null, "kubemigrate:1"))
            .build()
            .validate();
    assertThat(
            factory.build(waiting, "shop", 1).getSpec().getTemplate().getSpec().getInitContainers())
        .extracting(io.fabric8.kubernetes.api.model.Container::getName)
        .containsExactly("proxy", "wait-for-db", StartGate.CONTAINER);
    assertThat(
            factory
                .build(TestSpecs.shop().build().validate(), "shop", 1)
                .getSpec()
                .getTemplate()
                .getSpec()
                .getInitContainers())
        .isEmpty();
    assertThat(specHashOf(waiting))
        .isEqualTo(specHashOf(waiting.toBuilder().waitForDatabase(null).build()));
  }

  /** Waiting for the database is not part of what the migration does: the same hash. */
  private static String specHashOf(MigrationSpec spec) {
    return SpecHash.of(spec);
  }

  @org.junit.jupiter.params.ParameterizedTest(name = "migration memory {0} -> {1}")
  @org.junit.jupiter.params.provider.CsvSource({
    "16Mi, 128Mi",
    "100Mi, 128Mi",
    "127Mi, 128Mi",
    "128Mi, 128Mi",
    "200M, 200M",
    "1Gi, 1Gi"
  })
  @DisplayName(
      "kubemigrate's own JVM containers, wait-for-db and the start gate, get at least 128Mi of"
          + " memory, whatever the migration's; the migration keeps its own")
  void jvmContainersHaveAMemoryFloor(String given, String expected) {
    MigrationSpec spec =
        TestSpecs.shop()
            .waitForDatabase(new MigrationSpec.WaitForDatabase(null, null, "reg/km:1"))
            .resources(
                new ResourceRequirementsBuilder()
                    .addToRequests("memory", new Quantity(given))
                    .addToRequests("cpu", new Quantity("50m"))
                    .addToLimits("memory", new Quantity(given))
                    .build())
            .build()
            .validate();
    PodSpec pod =
        factory
            .build(spec, "shop", 1, new ServerVersion(1, 20), "reg/km:1")
            .getSpec()
            .getTemplate()
            .getSpec();
    assertThat(pod.getInitContainers())
        .extracting(Container::getName)
        .containsExactly(MigrationSpec.WAIT_FOR_DB_CONTAINER, StartGate.CONTAINER);
    assertThat(pod.getInitContainers())
        .allSatisfy(
            c -> {
              assertThat(c.getResources().getRequests())
                  .containsEntry("memory", new Quantity(expected))
                  .containsEntry("cpu", new Quantity("50m"));
              assertThat(c.getResources().getLimits())
                  .containsEntry("memory", new Quantity(expected));
            });
    assertThat(pod.getContainers().get(0).getResources().getLimits())
        .containsEntry("memory", new Quantity(given));
  }
}
