package dev.kubemigrate.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kubemigrate.api.ExitCode;
import dev.kubemigrate.api.KubemigrateException;
import dev.kubemigrate.api.MigrationSpec;
import dev.kubemigrate.api.Phase;
import dev.kubemigrate.api.PreflightMode;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MigrationFileTest {

  private static final String FULL =
      """
      apiVersion: kubemigrate.dev/v1alpha1
      kind: Migration
      metadata:
        name: shop
        namespace: shop-prod
      spec:
        app: shop
        version: "1.4.0"
        phase: post
        image: kubemigrate.local/flyway:11.8.2
        command: [flyway]
        args: [migrate, -connectRetries=5]
        env:
          - name: FLYWAY_URL
            value: jdbc:postgresql://db:5432/shop
          - name: FLYWAY_PASSWORD
            valueFrom:
              secretKeyRef: {name: db, key: password}
        envFrom:
          - configMapRef: {name: flyway-config}
        serviceAccountName: migrator
        timeout: 15m
        retries: 2
        startupGrace: 90s
        ttlAfterFinished: 1h
        resources:
          requests: {cpu: 100m, memory: 256Mi}
          limits: {memory: 256Mi}
        nodeSelector: {disk: ssd}
        tolerations:
          - {key: dedicated, operator: Equal, value: db, effect: NoSchedule}
        imagePullSecrets: [regcred, {name: other-cred}]
        imagePullPolicy: IfNotPresent
        podTemplate:
          metadata:
            labels: {team: db}
          spec:
            volumes:
              - name: sql
                configMap: {name: shop-sql}
      """;

  @Test
  @DisplayName("reads every field of a migration file in the Migration resource's shape")
  void readsEveryField() {
    // Given the full file above
    // When
    MigrationFile file = MigrationFile.parse(FULL, "migration.yaml");

    // Then
    assertThat(file.name()).isEqualTo("shop");
    assertThat(file.namespace()).isEqualTo("shop-prod");
    MigrationSpec spec = file.spec().validate();
    assertThat(spec.app()).isEqualTo("shop");
    assertThat(spec.version()).isEqualTo("1.4.0");
    assertThat(spec.phase()).isEqualTo(Phase.POST);
    assertThat(spec.image()).isEqualTo("kubemigrate.local/flyway:11.8.2");
    assertThat(spec.command()).containsExactly("flyway");
    assertThat(spec.args()).containsExactly("migrate", "-connectRetries=5");
    assertThat(spec.env())
        .extracting(EnvVar::getName)
        .containsExactly("FLYWAY_URL", "FLYWAY_PASSWORD");
    assertThat(spec.env().get(1).getValueFrom().getSecretKeyRef().getKey()).isEqualTo("password");
    assertThat(spec.envFrom().get(0).getConfigMapRef().getName()).isEqualTo("flyway-config");
    assertThat(spec.serviceAccountName()).isEqualTo("migrator");
    assertThat(spec.timeout()).isEqualTo(Duration.ofMinutes(15));
    assertThat(spec.retries()).isEqualTo(2);
    assertThat(spec.startupGrace()).isEqualTo(Duration.ofSeconds(90));
    assertThat(spec.ttlAfterFinished()).isEqualTo(Duration.ofHours(1));
    assertThat(spec.resources().getRequests()).containsEntry("cpu", new Quantity("100m"));
    assertThat(spec.resources().getLimits()).containsEntry("memory", new Quantity("256Mi"));
    assertThat(spec.nodeSelector()).containsEntry("disk", "ssd");
    assertThat(spec.tolerations().get(0).getEffect()).isEqualTo("NoSchedule");
    assertThat(spec.imagePullSecrets()).containsExactly("regcred", "other-cred");
    assertThat(spec.imagePullPolicy()).isEqualTo("IfNotPresent");
    assertThat(spec.podTemplate().getMetadata().getLabels()).containsEntry("team", "db");
    assertThat(spec.podTemplate().getSpec().getVolumes().get(0).getConfigMap().getName())
        .isEqualTo("shop-sql");
  }

  @Test
  @DisplayName("a minimal file gets the defaults and the version from the image tag")
  void minimalFileGetsDefaults() {
    // Given
    String yaml =
        """
        apiVersion: kubemigrate.dev/v1alpha1
        kind: Migration
        spec:
          app: shop
          image: flyway:11.8.2
        """;

    // When
    MigrationFile file = MigrationFile.parse(yaml, "m.yaml");

    // Then
    assertThat(file.name()).isNull();
    assertThat(file.namespace()).isNull();
    assertThat(file.spec().version()).isEqualTo("11.8.2");
    assertThat(file.spec().timeout()).isEqualTo(MigrationSpec.DEFAULT_TIMEOUT);
    assertThat(file.spec().retries()).isZero();
    assertThat(file.preflight()).isEqualTo(PreflightMode.AUTO);
  }

  @Test
  @DisplayName("spec.preflight takes auto, strict or off, and names the field when it is wrong")
  void preflightField() {
    for (PreflightMode mode : PreflightMode.values()) {
      String yaml =
          "apiVersion: kubemigrate.dev/v1alpha1\nkind: Migration\nspec:\n  app: shop\n"
              + "  image: flyway:11.8.2\n  preflight: "
              + mode.label()
              + "\n";
      assertThat(MigrationFile.parse(yaml, "m.yaml").preflight()).isEqualTo(mode);
    }
    for (String wrong : new String[] {"yes", "STRICT", "none"}) {
      String yaml =
          "apiVersion: kubemigrate.dev/v1alpha1\nkind: Migration\nspec:\n  app: shop\n"
              + "  image: flyway:11.8.2\n  preflight: "
              + wrong
              + "\n";
      assertThatThrownBy(() -> MigrationFile.parse(yaml, "m.yaml"))
          .hasMessageContaining("m.yaml")
          .hasMessageContaining("invalid spec.preflight '" + wrong + "': use auto, strict or off");
    }
  }

  @Test
  @DisplayName("a file Kubernetes has seen, with status and metadata it adds, is accepted")
  void acceptsStatusAndServerMetadata() {
    // Given
    String yaml =
        """
        apiVersion: kubemigrate.dev/v1alpha1
        kind: Migration
        metadata: {name: shop, uid: 1234, resourceVersion: "7", labels: {a: b}}
        spec: {app: shop, image: "flyway:1"}
        status: {phase: Succeeded}
        """;

    // When
    MigrationFile file = MigrationFile.parse(yaml, "m.yaml");

    // Then
    assertThat(file.spec().app()).isEqualTo("shop");
  }

  @Test
  @DisplayName("refuses invalid YAML, naming the file and the line")
  void refusesInvalidYaml() {
    // Given
    String yaml =
        """
        apiVersion: kubemigrate.dev/v1alpha1
        kind: Migration
        spec:
          app: shop
          image: [unclosed
        """;

    // When / Then
    assertUsageError(yaml).hasMessageStartingWith("m.yaml:").hasMessageContaining("invalid YAML");
  }

  @Test
  @DisplayName("refuses a file of another kind")
  void refusesWrongKind() {
    // Given
    String yaml =
        """
        apiVersion: batch/v1
        kind: Job
        metadata: {name: x}
        spec: {template: {}}
        """;

    // When / Then
    assertUsageError(yaml)
        .hasMessage(
            "m.yaml: not a migration file: expected kind: Migration (apiVersion:"
                + " kubemigrate.dev/v1alpha1), found kind: 'Job'");
  }

  @Test
  @DisplayName("refuses an unsupported apiVersion")
  void refusesWrongApiVersion() {
    // Given
    String yaml =
        """
        apiVersion: kubemigrate.dev/v2
        kind: Migration
        spec: {app: shop, image: "flyway:1"}
        """;

    // When / Then
    assertUsageError(yaml)
        .hasMessage(
            "m.yaml: unsupported apiVersion 'kubemigrate.dev/v2' for kind Migration: use"
                + " kubemigrate.dev/v1alpha1");
  }

  @Test
  @DisplayName("refuses an unknown spec field, naming it and its line, so a typo is not lost")
  void refusesUnknownSpecField() {
    // Given
    String yaml =
        """
        apiVersion: kubemigrate.dev/v1alpha1
        kind: Migration
        spec:
          app: shop
          image: flyway:1
          timeuot: 5m
        """;

    // When / Then
    assertUsageError(yaml)
        .hasMessageStartingWith(
            "m.yaml:6: unknown field 'spec.timeuot' (known: after, afterSelector, app, args, attempt,")
        .hasMessageContaining("timeout");
  }

  @Test
  @DisplayName("refuses an unknown top-level field")
  void refusesUnknownTopLevelField() {
    // Given
    String yaml =
        """
        apiVersion: kubemigrate.dev/v1alpha1
        kind: Migration
        sepc: {}
        spec: {app: shop, image: "flyway:1"}
        """;

    // When / Then
    assertUsageError(yaml).hasMessageStartingWith("m.yaml:3: unknown field 'sepc'");
  }

  @Test
  @DisplayName("refuses a value of the wrong type, naming the field and the line")
  void refusesWrongType() {
    // Given
    String yaml =
        """
        apiVersion: kubemigrate.dev/v1alpha1
        kind: Migration
        spec:
          app: shop
          image: flyway:1
          retries: many
        """;

    // When / Then
    assertUsageError(yaml)
        .hasMessage("m.yaml:6: spec.retries: cannot read 'many' as a whole number");
  }

  @Test
  @DisplayName("refuses an unknown field inside a Kubernetes-shaped value, such as an env var")
  void refusesUnknownNestedField() {
    // Given
    String yaml =
        """
        apiVersion: kubemigrate.dev/v1alpha1
        kind: Migration
        spec:
          app: shop
          image: flyway:1
          env:
            - name: A
              value: x
            - name: B
              valueFrom:
                secretKeyRef: {nmae: db, key: password}
        """;

    // When / Then
    assertUsageError(yaml)
        .hasMessage("m.yaml:11: unknown field 'spec.env[1].valueFrom.secretKeyRef.nmae'");
  }

  @Test
  @DisplayName("refuses a field given twice and a fraction where a whole number belongs")
  void refusesDuplicatesAndFractions() {
    // Given
    String header = "apiVersion: kubemigrate.dev/v1alpha1\nkind: Migration\nspec:\n";
    String duplicate = header + "  app: shop\n  image: flyway:1\n  app: other\n";
    String fraction = header + "  app: shop\n  image: flyway:1\n  retries: 1.5\n";

    // When / Then
    assertUsageError(duplicate).hasMessage("m.yaml:6: invalid YAML: Duplicate field 'app'");
    assertUsageError(fraction)
        .hasMessage("m.yaml:6: spec.retries: cannot read '1.5' as a whole number");
  }

  @Test
  @DisplayName("refuses a scalar where a list belongs")
  void refusesScalarForList() {
    // Given
    String yaml =
        """
        apiVersion: kubemigrate.dev/v1alpha1
        kind: Migration
        spec:
          app: shop
          image: flyway:1
          args: migrate
        """;

    // When / Then
    assertUsageError(yaml).hasMessage("m.yaml:6: spec.args: expected a list");
  }

  @Test
  @DisplayName("refuses an invalid duration or phase, naming the field")
  void refusesInvalidDurationAndPhase() {
    // Given
    String badTimeout =
        """
        apiVersion: kubemigrate.dev/v1alpha1
        kind: Migration
        spec: {app: shop, image: "flyway:1", timeout: 600}
        """;
    String badPhase =
        """
        apiVersion: kubemigrate.dev/v1alpha1
        kind: Migration
        spec: {app: shop, image: "flyway:1", phase: during}
        """;

    // When / Then
    assertUsageError(badTimeout)
        .hasMessage("m.yaml: invalid duration '600' for spec.timeout: use e.g. 90s, 10m, 1h30m");
    assertUsageError(badPhase)
        .hasMessage("m.yaml: invalid phase 'during' (--phase, spec.phase): use pre, post or down");
  }

  @Test
  @DisplayName("refuses an empty file, a file without spec and a file of several documents")
  void refusesEmptyOrMultipleDocuments() {
    // Given
    String header = "apiVersion: kubemigrate.dev/v1alpha1\nkind: Migration\n";

    // When / Then
    assertUsageError("").hasMessage("m.yaml: the file is empty");
    assertUsageError("# only a comment\n").hasMessage("m.yaml: the file is empty");
    assertUsageError(header).hasMessage("m.yaml: spec is missing");
    assertUsageError(header + "spec: {app: a, image: 'b:1'}\n---\n" + header + "spec: {}\n")
        .hasMessage("m.yaml: has 2 YAML documents; put exactly one in the file");
    assertUsageError("- a\n- b\n").hasMessage("m.yaml: expected a YAML mapping at the top");
  }

  @Test
  @DisplayName("reads a file from disk, and names a missing file")
  void readsFromDisk(@TempDir Path dir) throws IOException {
    // Given
    Path file = dir.resolve("migration.yaml");
    Files.writeString(file, FULL);

    // When
    MigrationFile read = MigrationFile.read(file);

    // Then
    assertThat(read.spec().app()).isEqualTo("shop");
    assertThatThrownBy(() -> MigrationFile.read(dir.resolve("nope.yaml")))
        .isInstanceOf(KubemigrateException.class)
        .hasMessage("cannot read " + dir.resolve("nope.yaml") + ": no such file");
  }

  @Test
  @DisplayName(
      "refuses at once, naming the file, a directory, a file that is not text and one over 1 MiB,"
          + " as -f and as --pod-template")
  void refusesWhatIsNotAMigrationFile(@TempDir Path dir) throws IOException {
    // Given
    Path big = dir.resolve("big.yaml");
    // one line of 5 MB, as the issue measured: refused from its size, not parsed for seconds
    Files.writeString(
        big, "spec: {app: shop, image: 'flyway:1', args: [" + "x".repeat(5 << 20) + "]}");
    Path binary = dir.resolve("binary.yaml");
    Files.write(binary, new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1, 2});
    java.util.Map<Path, String> cases =
        java.util.Map.of(
            dir, "is a directory, not a YAML file",
            big, "5120 KiB is more than a Migration or a pod template can be (at most 1024 KiB",
            binary, "not UTF-8 text");
    cases.forEach(
        (file, problem) -> {
          long start = System.nanoTime();
          // When / Then
          assertThatThrownBy(() -> MigrationFile.read(file))
              .isInstanceOf(KubemigrateException.class)
              .hasMessageStartingWith("cannot read " + file + ": ")
              .hasMessageContaining(problem)
              .extracting(e -> ((KubemigrateException) e).exitCode())
              .isEqualTo(ExitCode.USAGE);
          assertThatThrownBy(() -> MigrationFile.readPodTemplate(file))
              .hasMessageContaining(problem);
          assertThat(java.time.Duration.ofNanos(System.nanoTime() - start))
              .isLessThan(java.time.Duration.ofSeconds(2));
        });
  }

  @Test
  @DisplayName("reads a pod template from a bare template, a PodTemplate, a Pod or a Job")
  void readsPodTemplates() {
    // Given
    String spec = "spec: {containers: [{name: proxy, image: 'proxy:1'}]}\n";
    String bare = "metadata: {labels: {a: b}}\n" + spec;
    String podTemplate =
        "apiVersion: v1\nkind: PodTemplate\nmetadata: {name: t}\ntemplate:\n"
            + "  metadata: {labels: {a: b}}\n  "
            + spec;
    String pod =
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: x, labels: {a: b}}\n" + spec;
    String job =
        "apiVersion: batch/v1\nkind: Job\nmetadata: {name: j}\nspec:\n  template:\n"
            + "    metadata: {labels: {a: b}}\n    "
            + spec;

    for (String yaml : new String[] {bare, podTemplate, pod, job}) {
      // When
      PodTemplateSpec template = MigrationFile.parsePodTemplate(yaml, "pod.yaml");

      // Then
      assertThat(template.getMetadata().getLabels()).as(yaml).containsEntry("a", "b");
      assertThat(template.getMetadata().getName()).as(yaml).isNull();
      assertThat(template.getMetadata().getNamespace()).as(yaml).isNull();
      assertThat(template.getSpec().getContainers().get(0).getName()).as(yaml).isEqualTo("proxy");
    }
  }

  @Test
  @DisplayName("refuses an unknown field in a pod template file, naming its line")
  void refusesUnknownFieldInPodTemplate() {
    // Given
    String yaml =
        """
        apiVersion: v1
        kind: PodTemplate
        template:
          spec:
            containers:
              - name: proxy
                imagee: proxy:1
        """;

    // When / Then
    assertThatThrownBy(() -> MigrationFile.parsePodTemplate(yaml, "pod.yaml"))
        .isInstanceOf(KubemigrateException.class)
        .hasMessage("pod.yaml:7: unknown field 'template.spec.containers[0].imagee'");
  }

  @Test
  @DisplayName("refuses a pod template file that holds no pod template")
  void refusesFileWithoutPodTemplate() {
    // Given
    String yaml = "apiVersion: v1\nkind: ConfigMap\ndata: {a: b}\n";

    // When / Then
    assertThatThrownBy(() -> MigrationFile.parsePodTemplate(yaml, "pod.yaml"))
        .isInstanceOf(KubemigrateException.class)
        .hasMessageStartingWith("pod.yaml: no pod template found in a ConfigMap");
  }

  private static AbstractThrowableAssert<?, ? extends Throwable> assertUsageError(String yaml) {
    return assertThatThrownBy(() -> MigrationFile.parse(yaml, "m.yaml"))
        .isInstanceOf(KubemigrateException.class)
        .satisfies(
            e -> {
              assertThat(((KubemigrateException) e).exitCode()).isEqualTo(ExitCode.USAGE);
              assertThat(e.getMessage()).doesNotContain("\n");
            });
  }
}
