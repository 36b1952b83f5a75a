package dev.kubemigrate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubemigrate.api.Phase;
import dev.kubemigrate.job.JobFactory;
import dev.kubemigrate.job.Labels;
import dev.kubemigrate.job.RunNames;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

class RenderCommandTest {

  private static final String IMAGE = "kubemigrate.local/flyway:11.8.2";

  @Test
  @DisplayName("prints YAML that reads back as the Job run would create, and exits 0")
  void printsTheJobAsYaml() {
    // Given
    String[] args = {
      "render",
      "--app",
      "shop",
      "--image",
      IMAGE,
      "-n",
      "shop",
      "--timeout",
      "15m",
      "--retries",
      "1",
      "--env",
      "FLYWAY_URL=jdbc:postgresql://db/shop",
      "--env-from",
      "secret/db",
      "--env-from",
      "configmap/flyway",
      "--service-account",
      "migrator",
      "--node-selector",
      "disk=ssd",
      "--image-pull-secret",
      "regcred",
      "--image-pull-policy",
      "ifnotpresent",
      "--cpu",
      "500m",
      "--memory",
      "256Mi",
      "--",
      "migrate",
      "-X"
    };

    // When
    CliRunner.Result result = CliRunner.run(args);

    // Then
    assertThat(result.err()).isEmpty();
    assertThat(result.exitCode()).isZero();
    Job job = parse(result.out());
    assertThat(job.getMetadata().getName())
        .isEqualTo(RunNames.jobName("shop", Phase.PRE, "11.8.2", 1));
    assertThat(job.getMetadata().getNamespace()).isEqualTo("shop");
    assertThat(job.getMetadata().getLabels())
        .isEqualTo(Labels.forAttempt("shop", Phase.PRE, "11.8.2", 1));
    assertThat(job.getSpec().getBackoffLimit()).isEqualTo(1);
    assertThat(job.getSpec().getActiveDeadlineSeconds()).isEqualTo(900L);
    PodSpec pod = job.getSpec().getTemplate().getSpec();
    assertThat(pod.getRestartPolicy()).isEqualTo("Never");
    assertThat(pod.getServiceAccountName()).isEqualTo("migrator");
    assertThat(pod.getNodeSelector()).containsExactly(Map.entry("disk", "ssd"));
    assertThat(pod.getImagePullSecrets().get(0).getName()).isEqualTo("regcred");
    Container migrate = pod.getContainers().get(0);
    assertThat(migrate.getName()).isEqualTo(JobFactory.CONTAINER_NAME);
    assertThat(migrate.getImage()).isEqualTo(IMAGE);
    assertThat(migrate.getImagePullPolicy()).isEqualTo("IfNotPresent");
    assertThat(migrate.getCommand()).isNullOrEmpty();
    assertThat(migrate.getArgs()).containsExactly("migrate", "-X");
    assertThat(migrate.getEnv())
        .extracting(EnvVar::getValue)
        .containsExactly("jdbc:postgresql://db/shop");
    assertThat(migrate.getEnvFrom()).hasSize(2);
    assertThat(migrate.getResources().getLimits())
        .containsEntry("cpu", new Quantity("500m"))
        .containsEntry("memory", new Quantity("256Mi"));
    assertThat(migrate.getResources().getRequests()).isEqualTo(migrate.getResources().getLimits());
  }

  @Test
  @DisplayName("quotes every string that YAML would otherwise read as a number or boolean")
  void keepsStringsStrings() {
    // Given versions and values that look like numbers and booleans
    String[] args = {
      "render",
      "--app",
      "shop",
      "--image",
      "flyway:1.0",
      "--env",
      "A=600",
      "--env",
      "B=true",
      "--env",
      "C=0755",
      "--env",
      "D=",
      "--node-selector",
      "n=1e3"
    };

    // When
    CliRunner.Result result = CliRunner.run(args);

    // Then a plain YAML reader, as kubectl would use, sees strings
    assertThat(result.exitCode()).isZero();
    Map<String, Object> job = new Yaml().load(result.out());
    Map<String, Object> metadata = child(job, "metadata");
    assertThat(child(metadata, "labels")).containsEntry("kubemigrate.dev/version", "1.0");
    assertThat(child(metadata, "annotations")).containsEntry("kubemigrate.dev/version", "1.0");
    Container migrate =
        parse(result.out()).getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(migrate.getEnv())
        .extracting(EnvVar::getValue)
        .containsExactly("600", "true", "0755", "");
    assertThat(result.out()).doesNotContain("value: 600", "value: true", "value: 0755");
  }

  @Test
  @DisplayName("redacts secret-looking env values and says so in a first comment line")
  void redactsSecrets() {
    // Given
    String[] args = {
      "render",
      "--app",
      "shop",
      "--image",
      IMAGE,
      "--env",
      "FLYWAY_PASSWORD=hunter2",
      "--env",
      "API_TOKEN=t0k3n",
      "--env",
      "FLYWAY_USER=shop",
      "--",
      "migrate"
    };

    // When
    CliRunner.Result result = CliRunner.run(args);

    // Then
    assertThat(result.exitCode()).isZero();
    assertThat(result.out().lines().findFirst())
        .contains("# Values of secret-looking env vars are redacted: FLYWAY_PASSWORD, API_TOKEN");
    assertThat(result.out()).doesNotContain("hunter2", "t0k3n");
    assertThat(
            parse(result.out()).getSpec().getTemplate().getSpec().getContainers().get(0).getEnv())
        .extracting(EnvVar::getName, EnvVar::getValue)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("FLYWAY_PASSWORD", "<redacted>"),
            org.assertj.core.groups.Tuple.tuple("API_TOKEN", "<redacted>"),
            org.assertj.core.groups.Tuple.tuple("FLYWAY_USER", "shop"));
  }

  @Test
  @DisplayName("prints no redaction comment when nothing was redacted")
  void noCommentWithoutSecrets() {
    // Given
    String[] args = {"render", "--app", "shop", "--image", IMAGE};

    // When
    CliRunner.Result result = CliRunner.run(args);

    // Then
    assertThat(result.exitCode()).isZero();
    assertThat(result.out()).doesNotContain("#");
  }

  @Test
  @DisplayName("--version after the subcommand is the app version, not kubemigrate's")
  void versionOptionIsTheAppVersion() {
    // Given
    String[] args = {"render", "--app", "shop", "--image", IMAGE, "--version", "2024.06.1"};

    // When
    CliRunner.Result result = CliRunner.run(args);

    // Then
    assertThat(result.exitCode()).isZero();
    Job job = parse(result.out());
    assertThat(job.getMetadata().getAnnotations())
        .containsEntry("kubemigrate.dev/version", "2024.06.1");
    assertThat(job.getMetadata().getLabels()).containsEntry("kubemigrate.dev/version", "2024.06.1");
  }

  @Test
  @DisplayName("--command makes the args after -- the container's command")
  void commandReplacesEntrypoint() {
    // Given
    String[] args = {
      "render",
      "--app",
      "shop",
      "--image",
      IMAGE,
      "--command",
      "--",
      "flyway",
      "-url=jdbc:x",
      "migrate"
    };

    // When
    CliRunner.Result result = CliRunner.run(args);

    // Then
    assertThat(result.exitCode()).isZero();
    Container migrate =
        parse(result.out()).getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(migrate.getCommand()).containsExactly("flyway", "-url=jdbc:x", "migrate");
    assertThat(migrate.getArgs()).isNullOrEmpty();
  }

  @Test
  @DisplayName("-f reads a migration file; flags given with it override its fields")
  void flagsOverrideTheFile(@TempDir Path dir) throws IOException {
    // Given
    Path file = dir.resolve("migration.yaml");
    Files.writeString(
        file,
        """
        apiVersion: kubemigrate.dev/v1alpha1
        kind: Migration
        metadata: {name: shop, namespace: from-file}
        spec:
          app: shop
          version: "41"
          image: kubemigrate.local/flyway:11.8.1
          args: [info]
          env:
            - {name: FLYWAY_URL, value: jdbc:postgresql://db/shop}
            - {name: FLYWAY_USER, value: shop}
          timeout: 5m
        """);

    // When
    CliRunner.Result fromFile = CliRunner.run("render", "-f", file.toString());
    CliRunner.Result overridden =
        CliRunner.run(
            "render",
            "-f",
            file.toString(),
            "-n",
            "from-flag",
            "--image",
            IMAGE,
            "--env",
            "FLYWAY_USER=admin",
            "--timeout",
            "20m",
            "--",
            "migrate");

    // Then
    assertThat(fromFile.exitCode()).isZero();
    Job original = parse(fromFile.out());
    assertThat(original.getMetadata().getNamespace()).isEqualTo("from-file");
    assertThat(original.getMetadata().getAnnotations())
        .containsEntry("kubemigrate.dev/version", "41");
    assertThat(original.getSpec().getActiveDeadlineSeconds()).isEqualTo(300L);

    assertThat(overridden.exitCode()).isZero();
    Job job = parse(overridden.out());
    assertThat(job.getMetadata().getNamespace()).isEqualTo("from-flag");
    assertThat(job.getMetadata().getAnnotations())
        .containsEntry("kubemigrate.dev/version", "11.8.2");
    assertThat(job.getSpec().getActiveDeadlineSeconds()).isEqualTo(1200L);
    Container migrate = job.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(migrate.getImage()).isEqualTo(IMAGE);
    assertThat(migrate.getArgs()).containsExactly("migrate");
    assertThat(migrate.getEnv())
        .extracting(EnvVar::getName, EnvVar::getValue)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("FLYWAY_URL", "jdbc:postgresql://db/shop"),
            org.assertj.core.groups.Tuple.tuple("FLYWAY_USER", "admin"));
  }

  @Test
  @DisplayName("--pod-template merges the template file under the flags")
  void mergesPodTemplateFile(@TempDir Path dir) throws IOException {
    // Given
    Path template = dir.resolve("pod.yaml");
    Files.writeString(
        template,
        """
        metadata: {labels: {team: db}}
        spec:
          volumes: [{name: sql, configMap: {name: shop-sql}}]
          containers:
            - name: migrate
              volumeMounts: [{name: sql, mountPath: /flyway/sql}]
        """);

    // When
    CliRunner.Result result =
        CliRunner.run(
            "render", "--app", "shop", "--image", IMAGE, "--pod-template", template.toString());

    // Then
    assertThat(result.err()).isEmpty();
    Job job = parse(result.out());
    assertThat(job.getSpec().getTemplate().getMetadata().getLabels()).containsEntry("team", "db");
    Container migrate = job.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(migrate.getImage()).isEqualTo(IMAGE);
    assertThat(migrate.getVolumeMounts().get(0).getMountPath()).isEqualTo("/flyway/sql");
  }

  @Test
  @DisplayName("invalid input exits 2 with one line naming it and a hint to render --help")
  void invalidInputIsUsageError() {
    // Given
    String[] args = {"render", "--app", "Shop", "--image", IMAGE};

    // When
    CliRunner.Result result = CliRunner.run(args);

    // Then
    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.out()).isEmpty();
    assertThat(result.err().lines())
        .containsExactly(
            "kubemigrate render: invalid app 'Shop' (--app, spec.app): use at most 63 lower-case"
                + " letters, digits and '-', starting and ending with a letter or digit",
            "Try 'kubemigrate render --help' for more information.");
  }

  @Test
  @DisplayName("--env without '=' exits 2 with one line naming it")
  void envWithoutEqualsIsUsageError() {
    // Given
    String[] args = {"render", "--app", "shop", "--image", IMAGE, "--env", "FOO"};

    // When
    CliRunner.Result result = CliRunner.run(args);

    // Then
    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.out()).isEmpty();
    assertThat(result.err().lines())
        .containsExactly(
            "kubemigrate render: invalid --env 'FOO': use NAME=VALUE (NAME= for an empty value)",
            "Try 'kubemigrate render --help' for more information.");
  }

  @Test
  @DisplayName("other bad flags exit 2 with one line each")
  void badFlagsAreUsageErrors() {
    // Given
    String[][] cases = {
      {"--timeout", "ten minutes"},
      {"--phase", "during"},
      {"--env-from", "vault/db"},
      {"--retries", "x"},
      {"--retries", "21"},
      {"--cpu", "lots"},
      {"--image-pull-policy", "sometimes"},
      {"--node-selector", "ssd"},
      {"--nope"},
      {"--command"}
    };
    String[] expected = {
      "kubemigrate render: invalid duration 'ten minutes' for --timeout: use e.g. 90s, 10m, 1h30m",
      "kubemigrate render: invalid phase 'during' (--phase, spec.phase): use pre, post or down",
      "kubemigrate render: invalid --env-from 'vault/db': use secret/NAME or configmap/NAME",
      "kubemigrate render: Invalid value for option '--retries': 'x' is not an int",
      "kubemigrate render: invalid retries 21 (--retries, spec.retries): use 0 to 20 (0: a failed"
          + " migration is not retried)",
      "kubemigrate render: invalid --cpu 'lots': use e.g. 500m, 1, 2",
      "kubemigrate render: invalid --image-pull-policy 'sometimes': use Always, IfNotPresent or"
          + " Never",
      "kubemigrate render: invalid --node-selector 'ssd': use KEY=VALUE",
      "kubemigrate render: Unknown option: '--nope'",
      "kubemigrate render: --command needs the command after --, e.g. --command -- flyway migrate"
    };

    for (int i = 0; i < cases.length; i++) {
      String[] args = new String[5 + cases[i].length];
      System.arraycopy(new String[] {"render", "--app", "shop", "--image", IMAGE}, 0, args, 0, 5);
      System.arraycopy(cases[i], 0, args, 5, cases[i].length);

      // When
      CliRunner.Result result = CliRunner.run(args);

      // Then
      assertThat(result.exitCode()).as(String.join(" ", cases[i])).isEqualTo(2);
      assertThat(result.err().lines())
          .as(String.join(" ", cases[i]))
          .containsExactly(expected[i], "Try 'kubemigrate render --help' for more information.");
    }
  }

  @Test
  @DisplayName("a missing -f file exits 2 naming it")
  void missingFileIsUsageError(@TempDir Path dir) {
    // Given
    Path missing = dir.resolve("nope.yaml");

    // When
    CliRunner.Result result = CliRunner.run("render", "-f", missing.toString());

    // Then
    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err().lines().findFirst())
        .contains("kubemigrate render: cannot read " + missing + ": no such file");
  }

  @Test
  @DisplayName("--verbose adds the stack trace to an error; without it there is none")
  void verboseAddsStackTrace() {
    // Given
    String[] quiet = {"render", "--app", "Shop", "--image", IMAGE};
    String[] verbose = {"render", "--verbose", "--app", "Shop", "--image", IMAGE};
    String[] verboseFirst = {"--verbose", "render", "--app", "Shop", "--image", IMAGE};

    // When
    CliRunner.Result quietResult = CliRunner.run(quiet);
    CliRunner.Result verboseResult = CliRunner.run(verbose);
    CliRunner.Result verboseFirstResult = CliRunner.run(verboseFirst);

    // Then
    assertThat(quietResult.err()).doesNotContain("\tat ");
    assertThat(verboseResult.exitCode()).isEqualTo(2);
    assertThat(verboseResult.err()).contains("KubemigrateException", "\tat dev.kubemigrate.");
    assertThat(verboseFirstResult.err()).contains("\tat dev.kubemigrate.");
  }

  @Test
  @DisplayName("render --help lists the flags, with --version as the app version, and exits 0")
  void helpListsFlags() {
    // Given
    String[] args = {"render", "--help"};

    // When
    CliRunner.Result result = CliRunner.run(args);

    // Then
    assertThat(result.exitCode()).isZero();
    assertThat(result.out())
        .startsWith("Prints the Job that run would create")
        .contains("Usage: kubemigrate render")
        .contains(
            "--app=APP",
            "--version=VER",
            "--image=IMAGE",
            "--env=NAME=VALUE",
            "-n, --namespace=NS",
            "--verbose");
  }

  private static Job parse(String yaml) {
    return new KubernetesSerialization().unmarshal(yaml, Job.class);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> child(Map<String, Object> map, String key) {
    return (Map<String, Object>) map.get(key);
  }

  @Test
  @DisplayName(
      "--wait-for-db, from flags or from a file's spec.waitForDatabase, renders the init container"
          + " wait-for-db of kubemigrate's image")
  void rendersTheDatabaseWait(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws Exception {
    // Given the same wait asked by flags and by a file
    CliRunner.Result flags =
        CliRunner.run(
            "render",
            "--app",
            "shop",
            "--image",
            IMAGE,
            "--wait-for-db",
            "--db-timeout",
            "5m",
            "--kubemigrate-image",
            "registry.example/kubemigrate:0.1.0");
    java.nio.file.Path file = dir.resolve("m.yaml");
    java.nio.file.Files.writeString(
        file,
        "apiVersion: kubemigrate.dev/v1alpha1\nkind: Migration\nmetadata: {name: shop}\nspec:\n"
            + "  app: shop\n  image: "
            + IMAGE
            + "\n  waitForDatabase: {timeout: 5m, image: 'registry.example/kubemigrate:0.1.0'}\n");
    CliRunner.Result fromFile = CliRunner.run("render", "-f", file.toString());
    // Then both render the same init container
    for (CliRunner.Result r : java.util.List.of(flags, fromFile)) {
      assertThat(r.exitCode()).as(r.err()).isZero();
      io.fabric8.kubernetes.api.model.batch.v1.Job job =
          io.fabric8.kubernetes.client.utils.Serialization.unmarshal(
              r.out(), io.fabric8.kubernetes.api.model.batch.v1.Job.class);
      io.fabric8.kubernetes.api.model.Container init =
          job.getSpec().getTemplate().getSpec().getInitContainers().get(0);
      assertThat(init.getName()).isEqualTo("wait-for-db");
      assertThat(init.getImage()).isEqualTo("registry.example/kubemigrate:0.1.0");
      assertThat(init.getArgs()).containsExactly("wait-for-db", "--db-timeout", "5m");
    }
  }
}
