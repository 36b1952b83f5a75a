package dev.kubemigrate.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** `kubemigrate run` when things go wrong around the migration, on the real local cluster. */
@ExtendWith(LocalCluster.class)
class RunFailuresIT {

  @Test
  @DisplayName(
      "A restart of kube-apiserver in the middle of a run still ends with the right result")
  void survivesApiServerRestart(Kubemigrate km, TestNamespace ns, KubernetesClient client) {
    // Given a migration that runs for a while
    Kubemigrate.Running run =
        km.start(
            Args.busyboxRun(ns, "shop", "1")
                .sh("echo before-restart; sleep 12; echo after-restart")
                .build());
    await()
        .atMost(Duration.ofMinutes(1))
        .until(() -> run.stderrSoFar().contains("the migration runs"));
    // When the API server goes away and comes back while it runs
    Scripts.ofProject().run("local-cluster", "restart", "kube-apiserver");
    // Then the run ends with the migration's own result, each line of its log printed once
    Kubemigrate.Result r = run.await(Duration.ofMinutes(2));
    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.stdout().lines().filter("before-restart"::equals)).hasSize(1);
    assertThat(r.stdout().lines().filter("after-restart"::equals)).hasSize(1);
    assertThat(client.batch().v1().jobs().inNamespace(ns.name()).list().getItems()).hasSize(1);
  }

  @org.junit.jupiter.params.ParameterizedTest(name = "start gate: {0}")
  @org.junit.jupiter.params.provider.ValueSource(booleans = {false, true})
  @DisplayName(
      "A migration's pod deleted while it runs: the pod Kubernetes starts in its place never"
          + " runs it again, behind the start-once key or the start gate; exit 1, PodDeleted, the"
          + " Job stopped")
  void deletedPodIsNotReplaced(
      boolean gated, Kubemigrate km, TestNamespace ns, KubernetesClient client) {
    // Given a migration that runs for a while, and stops at once on SIGTERM
    Args args =
        Args.busyboxRun(ns, "shop", "1")
            .sh("echo started; trap 'echo stopped; exit 143' TERM; sleep 30 & wait");
    if (gated) {
      args = args.option("--kubemigrate-image", Images.KUBEMIGRATE);
    }
    Kubemigrate.Running run = km.start(args.build());
    await()
        .atMost(Duration.ofMinutes(1))
        .until(() -> run.stderrSoFar().contains("the migration runs"));
    // When its pod is deleted (a drain, a person): Kubernetes 1.20 starts another at once
    client.pods().inNamespace(ns.name()).withLabel("job-name").delete();
    // Then the run says why and what to do; the migration started once, in the first pod only
    Kubemigrate.Result r = run.await(Duration.ofMinutes(2));
    assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
    assertThat(r.stderr()).contains("PodDeleted").contains("held back pod");
    assertThat(r.stdout().lines().filter("started"::equals)).hasSize(1);
    // And the Job is gone, so its held-back pod waits for nothing
    await()
        .atMost(Duration.ofMinutes(1))
        .until(() -> client.batch().v1().jobs().inNamespace(ns.name()).list().getItems().isEmpty());
    var record = Records.only(client, ns).getData();
    assertThat(record).containsEntry("reason", "PodDeleted").doesNotContainKey("startOnce-1");
  }

  @Test
  @DisplayName(
      "With the start gate (--kubemigrate-image), a pod deleted before any caller let it through"
          + " never ran the migration: the pod started in its place does, once, when a caller comes"
          + " back; exit 0")
  void startGatePassesOverAPodDeletedBeforeItsGrant(
      Kubemigrate km, TestNamespace ns, KubernetesClient client) {
    // Given a first caller that cannot let a pod through (its Role lacks pods: patch), so that
    // the pod is deleted while no caller has let it start, as when every caller is cut off
    ServiceAccounts.applyRbac(client, ns.name(), "run");
    var role = client.rbac().roles().inNamespace(ns.name()).withName("kubemigrate-run").get();
    role.getRules().stream()
        .filter(r -> r.getResources().contains("pods"))
        .forEach(r -> r.getVerbs().remove("patch"));
    client.rbac().roles().inNamespace(ns.name()).resource(role).update();
    Kubemigrate noPatch =
        km.withKubeconfig(ServiceAccounts.kubeconfig(client, ns.name(), "kubemigrate-run"));
    String[] args =
        Args.busyboxRun(ns, "shop", "1")
            .option("--kubemigrate-image", Images.KUBEMIGRATE)
            .sh("echo started")
            .build();
    Kubemigrate.Running first = noPatch.start(args);
    await()
        .atMost(Duration.ofMinutes(1))
        .until(() -> first.stderrSoFar().contains("could not let pod"));
    // The pod waits in its gate: the init container runs, the migration has not started
    var waiting =
        await()
            .atMost(Duration.ofMinutes(1))
            .until(
                () -> client.pods().inNamespace(ns.name()).withLabel("job-name").list().getItems(),
                pods ->
                    pods.size() == 1
                        && pods.get(0).getStatus().getInitContainerStatuses() != null
                        && pods.get(0).getStatus().getInitContainerStatuses().stream()
                            .anyMatch(
                                c ->
                                    c.getName().equals("start-once")
                                        && c.getState().getRunning() != null))
            .get(0);
    assertThat(waiting.getStatus().getContainerStatuses())
        .allSatisfy(c -> assertThat(c.getState().getWaiting()).isNotNull());
    String deleted = waiting.getMetadata().getName();
    // When that pod is deleted (Kubernetes 1.20 starts another at once), and its caller killed;
    // a finalizer keeps it in sight while it is deleted, as a slow kubelet would
    client
        .pods()
        .inNamespace(ns.name())
        .withName(deleted)
        .edit(
            p ->
                new io.fabric8.kubernetes.api.model.PodBuilder(p)
                    .editMetadata()
                    .addToFinalizers(HOLD)
                    .endMetadata()
                    .build());
    client.pods().inNamespace(ns.name()).withName(deleted).delete();
    first.process.destroyForcibly();
    // Then a caller that may let a pod through lets the replacement run the migration, once
    Kubemigrate.Result r = km.run(args);
    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.stdout().lines().filter("started"::equals)).hasSize(1);
    assertThat(r.stderr())
        .contains("pod " + deleted + " was deleted before it started the migration")
        .contains("let pod");
    var record = Records.only(client, ns).getData();
    assertThat(record).containsEntry("state", "Succeeded");
    assertThat(record.get("startedPod")).isNotNull().isNotEqualTo(deleted);
    client
        .pods()
        .inNamespace(ns.name())
        .withName(deleted)
        .edit(
            p ->
                new io.fabric8.kubernetes.api.model.PodBuilder(p)
                    .editMetadata()
                    .removeFromFinalizers(HOLD)
                    .endMetadata()
                    .build());
  }

  private static final String HOLD = "e2e.kubemigrate.dev/hold";

  @Test
  @DisplayName(
      "A Job that the API server refuses releases the claim: one line, exit 2, and a corrected"
          + " run of the same version then runs")
  void refusedJobReleasesTheClaim(Kubemigrate km, TestNamespace ns, KubernetesClient client)
      throws Exception {
    // Given a pod template that passes kubemigrate's checks but not the API server's validation
    Path template = java.nio.file.Files.createTempFile("pod-template", ".yaml");
    java.nio.file.Files.writeString(template, "spec:\n  securityContext:\n    runAsUser: -1\n");
    // When it runs
    Kubemigrate.Result refused =
        km.run(
            Args.busyboxRun(ns, "shop", "1")
                .option("--pod-template", template.toString())
                .sh("echo refused-run")
                .build());
    // Then the server's reason in one line, exit 2, no Job, and no record left behind
    assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(2);
    assertThat(refused.stderr()).contains("refused to create jobs").contains("runAsUser");
    assertThat(refused.stderr()).doesNotContain("Received status").doesNotContain("Status(");
    assertThat(client.batch().v1().jobs().inNamespace(ns.name()).list().getItems()).isEmpty();
    assertThat(Records.all(client, ns)).isEmpty();
    // And the corrected run of the same version claims it anew and succeeds (not exit 6)
    Kubemigrate.Result fixed =
        km.run(Args.busyboxRun(ns, "shop", "1").sh("echo fixed-run").build());
    assertThat(fixed.exitCode()).as(fixed.toString()).isZero();
    assertThat(fixed.stdout()).contains("fixed-run");
  }

  @Test
  @DisplayName("A migration killed for its memory limit exits 1 and says OOMKilled")
  void oomKilledIsReported(Kubemigrate km, TestNamespace ns) {
    Kubemigrate.Result r =
        km.run(
            Args.busyboxRun(ns, "shop", "1")
                .option("--memory", "16Mi")
                .sh(
                    "echo allocating; x=$(head -c 300000000 /dev/zero | tr '\\000' a); echo survived")
                .build());
    assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
    assertThat(r.stderr()).contains("OOMKilled");
    assertThat(r.stdout()).doesNotContain("survived");
  }

  @Test
  @DisplayName(
      "A Job whose pod cannot be created (a service account that does not exist, a quota of no"
          + " pods) ends in seconds with exit 3, FailedCreate and the controller's own words")
  void podThatCannotBeCreatedFailsFast(Kubemigrate km, TestNamespace ns, KubernetesClient client) {
    // Given, one after the other, two reasons why the Job controller cannot create the pod
    Runnable noPodsQuota =
        () ->
            client
                .resourceQuotas()
                .inNamespace(ns.name())
                .resource(
                    new io.fabric8.kubernetes.api.model.ResourceQuotaBuilder()
                        .withNewMetadata()
                        .withName("no-pods")
                        .endMetadata()
                        .withNewSpec()
                        .addToHard("pods", new io.fabric8.kubernetes.api.model.Quantity("0"))
                        .endSpec()
                        .build())
                .create();
    record Case(String version, String[] extra, Runnable setUp, String says) {}
    for (Case c :
        List.of(
            new Case(
                "1",
                // the pre-flight would refuse it first: off, as for an identity that may not
                // read service accounts
                new String[] {"--service-account", "no-such-sa", "--preflight", "off"},
                () -> {},
                "serviceaccount \"no-such-sa\" not found"),
            // the pre-flight refuses a full quota too (RunIT.preflightNamesEveryProblem): off,
            // as for an identity that may not list resourcequotas
            new Case(
                "2",
                new String[] {"--preflight", "off"},
                noPodsQuota,
                "exceeded quota: no-pods"))) {
      c.setUp().run();
      Args args = Args.busyboxRun(ns, "shop", c.version());
      for (int i = 0; i < c.extra().length; i += 2) {
        args = args.option(c.extra()[i], c.extra()[i + 1]);
      }
      // When
      long start = System.nanoTime();
      Kubemigrate.Result r = km.run(args.sh("echo never").build());
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      // Then
      assertThat(r.exitCode()).as(r.toString()).isEqualTo(3);
      assertThat(r.stderr())
          .contains("FailedCreate")
          .contains("cannot create the migration's pod")
          .contains(c.says());
      assertThat(took).as(r.toString()).isLessThan(Duration.ofSeconds(20));
      assertThat(
              client
                  .configMaps()
                  .inNamespace(ns.name())
                  .withName("kubemigrate-shop-pre-" + c.version())
                  .get()
                  .getData())
          .containsEntry("state", "Failed")
          .containsEntry("reason", "FailedCreate");
      // the Job is stopped, so that the controller does not keep trying
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> client.batch().v1().jobs().inNamespace(ns.name()).list().getItems().isEmpty());
    }
  }

  @Test
  @DisplayName("Without permission, run exits 5 naming the verb and resource, and creates nothing")
  void forbiddenNamesVerbAndResource(Kubemigrate km, TestNamespace ns, KubernetesClient client) {
    // Given a service account with no rights at all
    ServiceAccounts.create(client, ns.name(), "nobody");
    Path config = ServiceAccounts.kubeconfig(client, ns.name(), "nobody");
    // When
    Kubemigrate.Result r =
        km.withKubeconfig(config).run(Args.run("shop").image(Images.BUSYBOX).build());
    // Then
    assertThat(r.exitCode()).as(r.toString()).isEqualTo(5);
    assertThat(r.stderr()).contains("forbidden").contains("configmaps").contains(ns.name());
    assertThat(client.batch().v1().jobs().inNamespace(ns.name()).list().getItems()).isEmpty();
  }

  @Test
  @DisplayName("doctor names the permissions a mode lacks, and passes the modes that have them")
  void doctorNamesMissingPermissions(Kubemigrate km, TestNamespace ns, KubernetesClient client) {
    // Given an identity with the shipped await RBAC only
    ServiceAccounts.applyRbac(client, ns.name(), "await");
    Kubemigrate asAwait =
        km.withKubeconfig(ServiceAccounts.kubeconfig(client, ns.name(), "kubemigrate-await"));
    // When
    Kubemigrate.Result r = asAwait.run("doctor");
    // Then
    assertThat(r.exitCode()).as(r.toString()).isEqualTo(5);
    assertThat(r.stdout())
        .containsPattern("await\\s+ok")
        .contains("run    MISSING: create configmaps")
        .contains("create jobs.batch")
        .contains("deploy/rbac/exec.yaml");
    assertThat(asAwait.run("doctor", "--mode", "await").exitCode()).isZero();
  }
}
