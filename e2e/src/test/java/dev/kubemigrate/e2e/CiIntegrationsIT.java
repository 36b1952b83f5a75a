package dev.kubemigrate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubemigrate.version.KubemigrateVersion;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The CI integrations, from the release tarball that `mvn package` built, on the real cluster: the
 * GitHub Action's step run with the environment a runner gives it (there is no GitHub runner here:
 * action.yml and the example workflow are validated against GitHub's schemas by action-validator),
 * and the GitLab CI/CD component run for real by gitlab-ci-local's shell executor.
 */
@ExtendWith(LocalCluster.class)
class CiIntegrationsIT {

  private Path root;
  private Path tools;
  private Path dir;
  private String tarballUrl;

  @BeforeEach
  void setUp() throws Exception {
    Scripts scripts = Scripts.ofProject();
    root = scripts.root();
    tools = Path.of(scripts.run("npm-tools").strip());
    dir = Files.createTempDirectory("kubemigrate-ci");
    tarballUrl =
        "file://"
            + root.resolve("cli/target/kubemigrate-" + KubemigrateVersion.current() + ".tar.gz");
  }

  @AfterEach
  void tearDown() {
    LocalCluster.deleteTree(dir);
  }

  @Test
  @DisplayName(
      "GitHub Action: action.yml and the example workflow pass GitHub's schemas; its step"
          + " migrates, writes the outputs and fails the job on a failed migration")
  void githubAction(Kubemigrate km, TestNamespace ns) throws Exception {
    // The action and the workflow, validated; a broken workflow is not
    assertThat(
            Processes.run(
                root, Map.of(), tools.resolve("action-validator").toString(), "action.yml"))
        .extracting(Processes.Ran::exitCode)
        .isEqualTo(0);
    assertThat(
            Processes.run(
                    root,
                    Map.of(),
                    tools.resolve("action-validator").toString(),
                    "examples/github/deploy.yml")
                .exitCode())
        .isZero();
    Path broken = dir.resolve("broken.yml");
    Files.writeString(
        broken,
        Files.readString(root.resolve("examples/github/deploy.yml"))
            .replace("runs-on: ubuntu-latest", "runs_on: ubuntu-latest"));
    assertThat(
            Processes.run(
                root, Map.of(), tools.resolve("action-validator").toString(), broken.toString()))
        .extracting(Processes.Ran::exitCode)
        .isNotEqualTo(0);

    // The step, as a runner runs it: inputs as INPUT_*, GITHUB_OUTPUT, GITHUB_STEP_SUMMARY
    Map<String, String> env = runner(km, ns, "1");
    env.put(
        "INPUT_COMMAND",
        "sh\n-c\necho 'Flyway OSS Edition 11.8.2 by Redgate'; echo 'Current version of schema"
            + " \"public\": 2'; echo 'Successfully applied 1 migration to schema \"public\", now at"
            + " version v3 (execution time 00:00.010s)'");
    Processes.Ran ok = Processes.run(root, env, root.resolve("action/run").toString());
    assertThat(ok.exitCode()).as(ok.output()).isZero();
    Map<String, String> outputs = outputs(Path.of(env.get("GITHUB_OUTPUT")));
    assertThat(outputs)
        .containsEntry("exit-code", "0")
        .containsEntry("result", "succeeded")
        .containsEntry("state", "Succeeded")
        .containsEntry("reason", "Completed")
        .containsEntry("schema-before", "2")
        .containsEntry("schema-after", "3")
        .containsEntry("hint", "");
    assertThat(outputs.get("job")).startsWith("shop-pre-1");
    assertThat(outputs.get("duration-seconds")).matches("[0-9]+");
    assertThat(Path.of(outputs.get("json"))).content().contains("\"state\" : \"Succeeded\"");
    assertThat(Path.of(env.get("GITHUB_STEP_SUMMARY"))).content().contains("shop");

    // A failed migration: the step fails, with the reason as an error annotation and outputs
    Map<String, String> failing = runner(km, ns, "2");
    failing.put("INPUT_COMMAND", "sh\n-c\necho 'ERROR: relation orders already exists'; exit 1");
    Processes.Ran failed = Processes.run(root, failing, root.resolve("action/run").toString());
    assertThat(failed.exitCode()).as(failed.output()).isEqualTo(1);
    assertThat(failed.output()).contains("::error title=kubemigrate Error::");
    assertThat(outputs(Path.of(failing.get("GITHUB_OUTPUT"))))
        .containsEntry("exit-code", "1")
        .containsEntry("state", "Failed")
        .containsEntry("reason", "Error")
        .hasEntrySatisfying("hint", h -> assertThat(h).isNotBlank());
  }

  /** The environment a GitHub runner gives the step, for version {@code version} of shop. */
  private Map<String, String> runner(Kubemigrate km, TestNamespace ns, String version)
      throws IOException {
    Path step = Files.createTempDirectory(dir, "step");
    Map<String, String> env = new HashMap<>();
    env.put("INPUT_APP", "shop");
    env.put("INPUT_VERSION", version);
    env.put("INPUT_IMAGE", Images.BUSYBOX);
    env.put("INPUT_NAMESPACE", ns.name());
    env.put("INPUT_PHASE", "pre");
    env.put("INPUT_EXTRA_ARGS", "--image-pull-policy\nNever");
    env.put("INPUT_WAIT_FOR_DB", "false");
    env.put("INPUT_KUBEMIGRATE_URL", tarballUrl);
    env.put("INPUT_KUBEMIGRATE_VERSION", KubemigrateVersion.current());
    env.put("KUBECONFIG", km.kubeconfig().toString());
    env.put("GITHUB_OUTPUT", Files.createFile(step.resolve("output")).toString());
    env.put("GITHUB_STEP_SUMMARY", Files.createFile(step.resolve("summary")).toString());
    env.put("RUNNER_TEMP", step.toString());
    env.put("XDG_CACHE_HOME", dir.resolve("cache").toString());
    // No class-data archive trained in the background: it would outlive the test, race the
    // clean-up of its directory and load the machine under the tests after it.
    env.put("KUBEMIGRATE_CDS", "off");
    return env;
  }

  private static Map<String, String> outputs(Path file) throws IOException {
    Map<String, String> m = new LinkedHashMap<>();
    for (String line : Files.readAllLines(file)) {
      int eq = line.indexOf('=');
      m.put(line.substring(0, eq), line.substring(eq + 1));
    }
    return m;
  }

  @Test
  @DisplayName(
      "GitLab CI/CD component, run by gitlab-ci-local: the migration succeeds and the deploy job"
          + " reads its dotenv report; the migration fails and the deploy job never starts")
  void gitlabComponent(Kubemigrate km, TestNamespace ns) throws Exception {
    // The example pipeline, its component included locally, passes GitLab's schema and lists
    // its two jobs, the deploy job after the migration
    Path example = Files.createTempDirectory(dir, "example");
    Files.createDirectories(example.resolve("templates"));
    Files.copy(root.resolve("templates/migrate.yml"), example.resolve("templates/migrate.yml"));
    Files.writeString(
        example.resolve(".gitlab-ci.yml"),
        Files.readString(root.resolve("examples/gitlab/.gitlab-ci.yml"))
            .replace(
                "component: $CI_SERVER_FQDN/kubemigrate/kubemigrate/migrate@0.1.0",
                "local: templates/migrate.yml"));
    commit(example);
    Processes.Ran listed =
        Processes.run(
            example,
            Map.of(),
            tools.resolve("gitlab-ci-local").toString(),
            "--list",
            "--variable",
            "CI_COMMIT_TAG=1.4.0",
            "--home",
            dir.resolve("gcl-home").toString());
    assertThat(listed.exitCode()).as(listed.output()).isZero();
    assertThat(listed.output())
        .contains("json schema validated")
        .containsPattern("kubemigrate-migrate +migrate")
        .containsPattern("deploy +deploy .*\\[kubemigrate-migrate\\]");

    Processes.Ran ok = pipeline(km, ns, "1", "sh -c true");
    assertThat(ok.exitCode()).as(ok.output()).isZero();
    assertThat(ok.output())
        .contains("kubemigrate-migrate")
        .contains("OK: migration of shop 1 (pre) succeeded")
        .contains("deployed after Succeeded, reason Completed")
        .containsPattern("PASS +kubemigrate-migrate")
        .containsPattern("PASS +deploy");

    Processes.Ran failed = pipeline(km, ns, "2", "false");
    assertThat(failed.exitCode()).as(failed.output()).isNotZero();
    assertThat(failed.output())
        .contains("FAILED: migration of shop 2 (pre) failed")
        .contains("hint (Error)")
        .containsPattern("FAIL +kubemigrate-migrate")
        .doesNotContain("deployed after");
  }

  /**
   * A project whose .gitlab-ci.yml includes the component (locally: gitlab-ci-local cannot fetch
   * from a GitLab instance) and a deploy job that needs it; the migration runs {@code command}.
   */
  private Processes.Ran pipeline(Kubemigrate km, TestNamespace ns, String version, String command)
      throws Exception {
    Path project = Files.createTempDirectory(dir, "project");
    Files.createDirectories(project.resolve("templates"));
    Files.copy(root.resolve("templates/migrate.yml"), project.resolve("templates/migrate.yml"));
    Files.writeString(
        project.resolve(".gitlab-ci.yml"),
        String.join(
            "\n",
            "stages: [migrate, deploy]",
            "include:",
            "  - local: templates/migrate.yml",
            "    inputs:",
            "      app: shop",
            "      version: \"" + version + "\"",
            "      namespace: " + ns.name(),
            "      image: " + Images.BUSYBOX,
            "      timeout: 2m",
            "      kubemigrate-url: " + tarballUrl,
            "      extra-args: --image-pull-policy Never --command -- " + command,
            "deploy:",
            "  stage: deploy",
            "  needs: [kubemigrate-migrate]",
            "  script:",
            "    - echo \"deployed after $KUBEMIGRATE_STATE, reason $KUBEMIGRATE_REASON\"",
            ""));
    commit(project);
    Map<String, String> env = new HashMap<>();
    env.put("XDG_CACHE_HOME", dir.resolve("cache").toString());
    env.put("KUBEMIGRATE_CDS", "off"); // as in runner(): no training outlives the test
    return Processes.run(
        project,
        env,
        tools.resolve("gitlab-ci-local").toString(),
        "--force-shell-executor",
        "--home",
        dir.resolve("gcl-home").toString(),
        "--variable",
        "KUBECONFIG=" + km.kubeconfig());
  }

  /** gitlab-ci-local reads a git repository. */
  private static void commit(Path project) throws Exception {
    Processes.run(project, Map.of(), "git", "init", "-q");
    Processes.run(project, Map.of(), "git", "add", "-A");
    Processes.run(
        project,
        Map.of(),
        "git",
        "-c",
        "user.email=ci@example",
        "-c",
        "user.name=ci",
        "commit",
        "-qm",
        "pipeline");
  }
}
