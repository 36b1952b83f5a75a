package dev.kubemigrate.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kubemigrate.migration.Migration;
import dev.kubemigrate.migration.MigrationStatus;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The GitOps flow on the real cluster: the operator installed from deploy/operator, Migrations and
 * a Deployment applied together as Argo CD or Flux would, the app's pods gated by `await`.
 */
@ExtendWith(LocalCluster.class)
class OperatorIT {

  private KubernetesClient client;
  private List<HasMetadata> installed = List.of();

  /** The ClusterRole and its binding outlive the test's namespace: delete them. */
  @AfterEach
  void uninstall() {
    installed.stream()
        .filter(o -> o.getMetadata().getNamespace() == null)
        .forEach(o -> client.resource(o).delete());
  }

  private void install(KubernetesClient client, TestNamespace ns, int replicas) {
    this.client = client;
    installed = OperatorInstall.install(client, ns.name(), replicas);
  }

  @Test
  @DisplayName(
      "A Migration applied with its Deployment runs once against PostgreSQL, then the app starts")
  void migrationAndDeploymentAppliedTogether(
      KubernetesClient client, TestNamespace ns, Postgres db, Kubemigrate km) throws Exception {
    // Given the operator, installed from the shipped manifests, and the database's secret
    install(client, ns, 1);
    client.secrets().inNamespace(ns.name()).resource(db.flywaySecret("db")).create();
    ServiceAccounts.applyRbac(client, ns.name(), "await");

    // When the Migration and the Deployment that awaits it are applied at once
    apply(client, ns, flywayMigration("shop", "1.0.0"));
    client.apps().deployments().inNamespace(ns.name()).resource(app("1.0.0")).create();

    // Then the migration runs once, `kubectl wait --for=condition=Ready` sees it, the app starts
    Migration ready = awaitCondition(client, ns, "shop", "Ready", "True");
    assertThat(kubectlWait(km.kubeconfig(), ns, "shop")).isZero();
    awaitAvailable(client, ns, 2);
    MigrationStatus status = ready.getStatus();
    assertThat(status.phase()).isEqualTo("Succeeded");
    assertThat(status.observedGeneration()).isEqualTo(ready.getMetadata().getGeneration());
    assertThat(status.logTail()).contains("Successfully applied 3 migrations");
    assertThat(status.startedBy()).contains("kubemigrate operator");
    assertThat(condition(ready, "Reconciling").getStatus()).isEqualTo("False");
    assertThat(condition(ready, "Stalled").getStatus()).isEqualTo("False");
    assertThat(db.count("SELECT count(*) FROM flyway_schema_history WHERE success")).isEqualTo(3);
    assertThat(jobs(client, ns)).hasSize(1);
    assertThat(eventReasons(client, ns, "shop")).contains("Running", "Succeeded");
    // kubemigrate's image came from the operator's own pod (the manifests set no
    // $KUBEMIGRATE_IMAGE), and on this server (before 1.26) it gated the migration's pod
    Pod operator = OperatorInstall.pods(client, ns.name()).get(0);
    assertThat(client.pods().resource(operator).getLog())
        .contains(
            "kubemigrate's image (wait-for-db, start gate): "
                + Images.KUBEMIGRATE
                + " (from pod "
                + ns.name()
                + "/"
                + operator.getMetadata().getName()
                + ")");
    var init = jobs(client, ns).get(0).getSpec().getTemplate().getSpec().getInitContainers();
    if (!dev.kubemigrate.kube.ServerVersion.read(client).atLeast(1, 26)) {
      assertThat(init)
          .anySatisfy(
              c -> {
                assertThat(c.getName()).isEqualTo("start-once");
                assertThat(c.getImage()).isEqualTo(Images.KUBEMIGRATE);
              });
    } else {
      assertThat(init).noneMatch(c -> c.getName().equals("start-once"));
    }
  }

  @Test
  @DisplayName(
      "A failing Migration is Stalled with its reason and log, holds the app, and a new version"
          + " fixes it")
  void failedMigrationStallsUntilANewVersion(KubernetesClient client, TestNamespace ns) {
    // Given the operator
    install(client, ns, 1);
    ServiceAccounts.applyRbac(client, ns.name(), "await");

    // When a migration that fails is applied with its app
    apply(
        client,
        ns,
        shellMigration("shop", "2", "echo 'ERROR: relation \"orders\" does not exist'; exit 3"));
    client.apps().deployments().inNamespace(ns.name()).resource(app("2")).create();

    // Then it is Stalled, with the reason, exit code and log tail in its status, and not retried
    Migration stalled = awaitCondition(client, ns, "shop", "Stalled", "True");
    MigrationStatus status = stalled.getStatus();
    assertThat(status.phase()).isEqualTo("Failed");
    assertThat(status.exitCode()).isEqualTo(3);
    assertThat(status.logTail()).contains("relation \"orders\" does not exist");
    assertThat(condition(stalled, "Ready").getStatus()).isEqualTo("False");
    assertThat(condition(stalled, "Stalled").getMessage())
        .contains("exited with code 3")
        .contains("spec.attempt");
    assertThat(eventReasons(client, ns, "shop")).contains(status.reason());
    // ...and the app's pods are held in their init container
    Pod held =
        await()
            .atMost(Duration.ofMinutes(1))
            .until(() -> appPod(client, ns), p -> p != null && initFailedOnce(p));
    assertThat(available(client, ns)).isZero();
    assertThat(
            client
                .pods()
                .inNamespace(ns.name())
                .withName(held.getMetadata().getName())
                .inContainer("await-migration")
                .getLog())
        .contains("failed");
    assertThat(jobs(client, ns)).hasSize(1);

    // When the spec is fixed with a new version, and the app follows
    apply(client, ns, shellMigration("shop", "3", "echo 'fixed'"));
    client.apps().deployments().inNamespace(ns.name()).resource(app("3")).update();

    // Then it runs and becomes Ready for the new generation, and the app becomes available
    Migration fixed = awaitCondition(client, ns, "shop", "Ready", "True");
    assertThat(fixed.getStatus().observedGeneration()).isEqualTo(2L);
    assertThat(fixed.getStatus().version()).isEqualTo("3");
    awaitAvailable(client, ns, 2);
    assertThat(jobs(client, ns)).hasSize(2);
  }

  @Test
  @DisplayName("An operator restarted in the middle of a migration attaches to it: it runs once")
  void restartMidMigrationRunsOnce(KubernetesClient client, TestNamespace ns) {
    // Given the operator, running a migration that takes a while
    install(client, ns, 1);
    OperatorInstall.awaitReady(client, ns.name(), 1);
    apply(client, ns, shellMigration("shop", "1", "echo started; sleep 20; echo finished"));
    await()
        .atMost(Duration.ofMinutes(1))
        .until(
            () -> migration(client, ns, "shop"),
            m -> running(m) && m.getStatus().jobName() != null);
    Pod first = OperatorInstall.pods(client, ns.name()).get(0);

    // When its pod is deleted mid-migration, and the Deployment starts another
    client.pods().inNamespace(ns.name()).resource(first).delete();

    // Then the new operator records the result of the same Job: one Job, one pod, one attempt
    Migration done = awaitCondition(client, ns, "shop", "Ready", "True");
    assertThat(OperatorInstall.pods(client, ns.name()))
        .extracting(p -> p.getMetadata().getName())
        .doesNotContain(first.getMetadata().getName());
    assertThat(done.getStatus().attempt()).isEqualTo(1);
    assertThat(done.getStatus().logTail()).contains("started").contains("finished");
    assertThat(jobs(client, ns)).hasSize(1);
    assertThat(client.pods().inNamespace(ns.name()).withLabel("job-name").list().getItems())
        .hasSize(1);
  }

  @Test
  @DisplayName("Two operator replicas elect one leader; each Migration runs once")
  void twoReplicasOneLeader(KubernetesClient client, TestNamespace ns) {
    // Given two replicas of the operator
    install(client, ns, 2);
    OperatorInstall.awaitReady(client, ns.name(), 2);
    String leader =
        await()
            .atMost(Duration.ofMinutes(1))
            .until(() -> OperatorInstall.leader(client, ns.name()), l -> l != null);

    // When three Migrations are applied
    for (String app : List.of("shop", "billing", "search")) {
      apply(client, ns, shellMigration(app, "1", "echo migrating " + app));
    }

    // Then each is Ready, by exactly one Job, started by the leader
    for (String app : List.of("shop", "billing", "search")) {
      Migration m = awaitCondition(client, ns, app, "Ready", "True");
      assertThat(m.getStatus().startedBy()).contains(leader);
    }
    assertThat(jobs(client, ns)).hasSize(3);
    assertThat(OperatorInstall.pods(client, ns.name()))
        .extracting(p -> p.getMetadata().getName())
        .contains(leader);
    String follower =
        OperatorInstall.pods(client, ns.name()).stream()
            .map(p -> p.getMetadata().getName())
            .filter(n -> !n.equals(leader))
            .findFirst()
            .orElseThrow();
    assertThat(client.pods().inNamespace(ns.name()).withName(follower).getLog())
        .doesNotContain("claimed the run");
  }

  @Test
  @DisplayName(
      "Expand, rollout, contract in GitOps: the post Migration stays Reconciling with the"
          + " rollout's counts until no 1.0.0 pod is left, then runs; a rollback's pods are held by"
          + " the guard while 2.0.0 keeps serving")
  void postMigrationWaitsForTheRolloutAndGuardsTheRollback(
      KubernetesClient client, TestNamespace ns) {
    // Given app 1.0.0, migrated and serving
    install(client, ns, 1);
    ServiceAccounts.applyRbac(client, ns.name(), "await");
    apply(
        client, ns, named(shellMigration("shop", "1.0.0", "echo expand 1.0.0"), "shop-1-0-0-pre"));
    client.apps().deployments().inNamespace(ns.name()).resource(app("1.0.0")).create();
    awaitAvailable(client, ns, 2);

    // When release 2.0.0's three waves are applied at once: pre, the Deployment, post
    apply(
        client, ns, named(shellMigration("shop", "2.0.0", "echo expand 2.0.0"), "shop-2-0-0-pre"));
    apply(
        client,
        ns,
        named(shellMigration("shop", "2.0.0", "echo contract 2.0.0"), "shop-2-0-0-post")
            + "  phase: post\n  after: [deployment/shop]\n");
    // Then the post Migration says what it waits for
    Migration waiting =
        await()
            .atMost(Duration.ofMinutes(1))
            .until(
                () -> migration(client, ns, "shop-2-0-0-post"),
                m ->
                    m != null
                        && condition(m, "Reconciling") != null
                        && "True".equals(condition(m, "Reconciling").getStatus())
                        && condition(m, "Reconciling").getMessage().contains("waiting for"));
    assertThat(condition(waiting, "Reconciling").getMessage())
        .contains("deployment/shop: its template is at 1.0.0, waiting for 2.0.0");
    client.apps().deployments().inNamespace(ns.name()).resource(app("2.0.0")).createOrReplace();
    Migration contracted = awaitCondition(client, ns, "shop-2-0-0-post", "Ready", "True");
    assertThat(contracted.getStatus().logTail()).contains("contract 2.0.0");
    awaitAvailable(client, ns, 2);
    assertThat(
            client.pods().inNamespace(ns.name()).withLabel("app", "shop").list().getItems().stream()
                .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
                .map(p -> p.getMetadata().getLabels().get("kubemigrate.dev/version")))
        .containsOnly("2.0.0");

    // When the app is rolled back to 1.0.0 (kubectl rollout undo, a GitOps revert)
    client.apps().deployments().inNamespace(ns.name()).resource(app("1.0.0")).createOrReplace();
    // Then the new 1.0.0 pod is held in its init container with the guard's words in its log,
    // and the 2.0.0 pods keep serving
    Pod held =
        await()
            .atMost(Duration.ofMinutes(1))
            .until(
                () ->
                    client
                        .pods()
                        .inNamespace(ns.name())
                        // the app's pods, not its migrations' (whose init containers end too)
                        .withLabel("app", "shop")
                        .withLabel("kubemigrate.dev/version", "1.0.0")
                        .list()
                        .getItems()
                        .stream()
                        .filter(
                            p ->
                                p.getStatus() != null
                                    && p.getStatus().getInitContainerStatuses() != null
                                    && initFailedOnce(p))
                        .findFirst()
                        .orElse(null),
                p -> p != null);
    assertThat(
            client
                .pods()
                .inNamespace(ns.name())
                .withName(held.getMetadata().getName())
                .inContainer("await-migration")
                .getLog())
        .contains("rollback guard: 1.0.0 is older than 2.0.0")
        .contains("post phase (contract) of 2.0.0");
    assertThat(available(client, ns)).isEqualTo(2);
  }

  /** The Migration's YAML with another metadata.name. */
  private static String named(String yaml, String name) {
    return yaml.replaceFirst("(?m)^  name: .*$", "  name: " + name);
  }

  // ---- helpers ----

  private static String flywayMigration(String app, String version) {
    return migration(
        app,
        version,
        Images.FLYWAY,
        """
          args: [migrate]
          envFrom:
            - secretRef: {name: db}
        """);
  }

  private static String shellMigration(String app, String version, String script) {
    return migration(
        app, version, Images.BUSYBOX, "  command: [sh, -c, '" + script.replace("'", "''") + "']\n");
  }

  /** A Migration as a user writes it; {@code container} adds lines to its spec. */
  private static String migration(String app, String version, String image, String container) {
    return """
        apiVersion: kubemigrate.dev/v1alpha1
        kind: Migration
        metadata:
          name: %s
        spec:
          app: %s
          version: "%s"
          image: %s
          imagePullPolicy: Never
          timeout: 5m
        """
            .formatted(app, app, version, image)
        + container;
  }

  private static void apply(KubernetesClient client, TestNamespace ns, String yaml) {
    client.resourceList(yaml).inNamespace(ns.name()).createOrReplace();
  }

  private static Deployment app(String version) {
    return AwaitIT.deployment(version, 2);
  }

  private static Migration migration(KubernetesClient client, TestNamespace ns, String name) {
    return client.resources(Migration.class).inNamespace(ns.name()).withName(name).get();
  }

  private static Migration awaitCondition(
      KubernetesClient client, TestNamespace ns, String name, String type, String status) {
    try {
      return await()
          .atMost(Duration.ofMinutes(2))
          .until(
              () -> migration(client, ns, name),
              m ->
                  m != null
                      && m.getStatus() != null
                      && m.getMetadata().getGeneration().equals(m.getStatus().observedGeneration())
                      && condition(m, type) != null
                      && status.equals(condition(m, type).getStatus()));
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      throw new AssertionError(
          "migration/"
              + name
              + " never had "
              + type
              + "="
              + status
              + "; it is "
              + migration(client, ns, name)
              + "\noperator logs:\n"
              + OperatorInstall.logs(client, ns.name()),
          e);
    }
  }

  private static boolean running(Migration m) {
    return m != null && m.getStatus() != null && "Running".equals(m.getStatus().phase());
  }

  private static Condition condition(Migration m, String type) {
    return m.getStatus() == null ? null : m.getStatus().condition(type);
  }

  private static List<Job> jobs(KubernetesClient client, TestNamespace ns) {
    return client.batch().v1().jobs().inNamespace(ns.name()).list().getItems();
  }

  private static List<String> eventReasons(KubernetesClient client, TestNamespace ns, String name) {
    return client.v1().events().inNamespace(ns.name()).list().getItems().stream()
        .filter(e -> "Migration".equals(e.getInvolvedObject().getKind()))
        .filter(e -> name.equals(e.getInvolvedObject().getName()))
        .map(Event::getReason)
        .toList();
  }

  private static Pod appPod(KubernetesClient client, TestNamespace ns) {
    return client.pods().inNamespace(ns.name()).withLabel("app", "shop").list().getItems().stream()
        .findFirst()
        .orElse(null);
  }

  private static boolean initFailedOnce(Pod p) {
    return p.getStatus().getInitContainerStatuses().stream()
        .anyMatch(
            s ->
                s.getRestartCount() > 0
                    || (s.getState() != null && s.getState().getTerminated() != null));
  }

  private static int available(KubernetesClient client, TestNamespace ns) {
    Deployment d = client.apps().deployments().inNamespace(ns.name()).withName("shop").get();
    Integer n = d.getStatus() == null ? null : d.getStatus().getAvailableReplicas();
    return n == null ? 0 : n;
  }

  private static void awaitAvailable(KubernetesClient client, TestNamespace ns, int replicas) {
    await().atMost(Duration.ofMinutes(2)).until(() -> available(client, ns) == replicas);
  }

  /** `kubectl wait --for=condition=Ready`, as a pipeline or a person would call it. */
  private static int kubectlWait(Path kubeconfig, TestNamespace ns, String name) throws Exception {
    Process p =
        new ProcessBuilder(
                "kubectl",
                "--kubeconfig",
                kubeconfig.toString(),
                "-n",
                ns.name(),
                "wait",
                "--for=condition=Ready",
                "migration/" + name,
                "--timeout=30s")
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(40, TimeUnit.SECONDS)).isTrue();
    assertThat(out).contains("condition met");
    return p.exitValue();
  }
}
