package dev.kubemigrate.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Expand and contract on the real cluster: the post phase waits until no pod of an older version is
 * left, terminating ones included, then runs; the contract's floor keeps older versions off the
 * schema (the rollback guard) until a down migration lowers it; a rollout that fails ends the post
 * phase with its reason and no contract.
 */
@ExtendWith(LocalCluster.class)
class RolloutIT {

  /** A Deployment of busybox pods at {@code version} that take 2 s to stop, as a real app does. */
  private static Deployment app(String name, String version, String image, Integer deadline) {
    return new DeploymentBuilder()
        .withNewMetadata()
        .withName(name)
        .endMetadata()
        .withNewSpec()
        .withReplicas(3)
        .withProgressDeadlineSeconds(deadline)
        .withNewSelector()
        .addToMatchLabels("app", name)
        .endSelector()
        .withNewStrategy()
        .withNewRollingUpdate()
        .withNewMaxUnavailable(0)
        .withNewMaxSurge(1)
        .endRollingUpdate()
        .endStrategy()
        .withNewTemplate()
        .withNewMetadata()
        .withLabels(Map.of("app", name, "kubemigrate.dev/version", version))
        .endMetadata()
        .withNewSpec()
        .withTerminationGracePeriodSeconds(10L)
        .addNewContainer()
        .withName("app")
        .withImage(image)
        .withImagePullPolicy("Never")
        .withCommand("sh", "-c", "trap 'sleep 2; exit 0' TERM; sleep 3600 & wait")
        .endContainer()
        .endSpec()
        .endTemplate()
        .endSpec()
        .build();
  }

  private static void rollTo(
      KubernetesClient client, TestNamespace ns, String name, String version) {
    client
        .apps()
        .deployments()
        .inNamespace(ns.name())
        .withName(name)
        .edit(
            d -> {
              d.getSpec()
                  .getTemplate()
                  .getMetadata()
                  .getLabels()
                  .put("kubemigrate.dev/version", version);
              return d;
            });
  }

  private static void awaitRolledOut(KubernetesClient client, TestNamespace ns, String name) {
    client
        .apps()
        .deployments()
        .inNamespace(ns.name())
        .withName(name)
        .waitUntilCondition(
            d ->
                d != null
                    && d.getStatus() != null
                    && Integer.valueOf(3).equals(d.getStatus().getAvailableReplicas())
                    && Integer.valueOf(3).equals(d.getStatus().getUpdatedReplicas())
                    && Integer.valueOf(3).equals(d.getStatus().getReplicas()),
            2,
            java.util.concurrent.TimeUnit.MINUTES);
  }

  @Test
  @DisplayName(
      "post waits for the last old pod, then contracts; the floor refuses the old version's await"
          + " and run until a down migration lowers it")
  void contractAfterRolloutAndRollbackGuard(
      Kubemigrate km, TestNamespace ns, KubernetesClient client) {
    // Given app 1.0.0 served by 3 pods, its pre phase done
    client
        .apps()
        .deployments()
        .inNamespace(ns.name())
        .resource(app("shop", "1.0.0", Images.BUSYBOX, null))
        .create();
    awaitRolledOut(client, ns, "shop");
    assertThat(
            km.run(Args.busyboxRun(ns, "shop", "1.0.0").sh("echo expand 1.0.0").build()).exitCode())
        .isZero();
    assertThat(
            km.run(Args.busyboxRun(ns, "shop", "2.0.0").sh("echo expand 2.0.0").build()).exitCode())
        .isZero();

    // The test's own witness of the order of events: the last old pod gone, the contract's Job made
    AtomicReference<Instant> lastOldGone = new AtomicReference<>();
    AtomicReference<Instant> contractJob = new AtomicReference<>();
    try (SharedIndexInformer<Pod> pods =
            client
                .pods()
                .inNamespace(ns.name())
                .withLabel("app", "shop")
                .inform(
                    new ResourceEventHandler<>() {
                      @Override
                      public void onAdd(Pod pod) {}

                      @Override
                      public void onUpdate(Pod old, Pod pod) {}

                      @Override
                      public void onDelete(Pod pod, boolean unknown) {
                        if ("1.0.0"
                            .equals(pod.getMetadata().getLabels().get("kubemigrate.dev/version"))) {
                          lastOldGone.set(Instant.now());
                        }
                      }
                    });
        SharedIndexInformer<Job> jobs =
            client
                .batch()
                .v1()
                .jobs()
                .inNamespace(ns.name())
                .inform(
                    new ResourceEventHandler<>() {
                      @Override
                      public void onAdd(Job job) {
                        if ("post"
                            .equals(job.getMetadata().getLabels().get("kubemigrate.dev/phase"))) {
                          contractJob.compareAndSet(null, Instant.now());
                        }
                      }

                      @Override
                      public void onUpdate(Job old, Job job) {}

                      @Override
                      public void onDelete(Job job, boolean unknown) {}
                    })) {
      // When the contract of 2.0.0 starts before the rollout, as a pipeline or a GitOps wave does
      Kubemigrate.Running post =
          km.start(
              Args.busyboxRun(ns, "shop", "2.0.0")
                  .option("--phase", "post")
                  .option("--after", "deployment/shop")
                  .sh("echo contract 2.0.0")
                  .build());
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  post.stderrSoFar()
                      .contains(
                          "waiting for deployment/shop: its template is at 1.0.0, waiting for 2.0.0"));
      rollTo(client, ns, "shop", "2.0.0");
      Kubemigrate.Result contracted = post.await(Duration.ofMinutes(3));

      // Then it said what it waited for, with counts, and ran only once the last old pod was gone
      assertThat(contracted.exitCode()).as(contracted.toString()).isZero();
      assertThat(contracted.stderr())
          .containsPattern(
              "waiting for deployment/shop: [0-3]/3 pods at 2\\.0\\.0, [1-3] old pods? (running|terminating)");
      assertThat(contracted.stderr()).contains("rollout of 2.0.0 done");
      assertThat(contracted.stdout()).contains("contract 2.0.0");
      assertThat(lastOldGone.get()).isNotNull();
      assertThat(contractJob.get()).isNotNull().isAfter(lastOldGone.get());
      contracted
          .stderr()
          .lines()
          .filter(l -> l.contains("waiting for") || l.contains("rollout of"))
          .forEach(l -> System.out.println("post: " + l));
      System.out.printf(
          "rollout: the contract's Job was created %d ms after the last old pod was gone%n",
          Duration.between(lastOldGone.get(), contractJob.get()).toMillis());
    }

    // The floor: status says where the schema stands
    Kubemigrate.Result status = km.run("status", "-n", ns.name(), "--app", "shop");
    assertThat(status.stdout())
        .contains("compatible from 2.0.0")
        .contains("post phase (contract) of 2.0.0");

    // A rollback: the old version's init container (await) and pipeline (run) are refused at once
    long start = System.nanoTime();
    Kubemigrate.Result guarded =
        km.run("await", "-n", ns.name(), "--app", "shop", "--version", "1.0.0", "--timeout", "60s");
    assertThat(guarded.exitCode()).as(guarded.toString()).isEqualTo(8);
    Duration guardTook = Duration.ofNanos(System.nanoTime() - start);
    assertThat(guardTook).isLessThan(Duration.ofSeconds(10));
    System.out.printf(
        "rollout: await of 1.0.0 refused by the guard in %d ms: %s%n",
        guardTook.toMillis(),
        guarded.stderr().lines().filter(l -> l.contains("guard")).findFirst().orElse(""));
    assertThat(guarded.stderr())
        .contains("SchemaContracted")
        .contains("1.0.0 is older than 2.0.0")
        .contains("post phase (contract) of 2.0.0");
    // ...even a version that migrated once: its run no longer says "already migrated"
    Kubemigrate.Result again =
        km.run(Args.busyboxRun(ns, "shop", "1.0.0").sh("echo expand 1.0.0").build());
    assertThat(again.exitCode()).as(again.toString()).isEqualTo(8);
    Kubemigrate.Result rerun =
        km.run(Args.busyboxRun(ns, "shop", "1.0.1").sh("echo expand 1.0.1").build());
    assertThat(rerun.exitCode()).as(rerun.toString()).isEqualTo(8);
    assertThat(
            client.configMaps().inNamespace(ns.name()).withName("kubemigrate-shop-pre-1.0.1").get())
        .isNull();

    // The way out: a down migration that records the floor it leaves
    Kubemigrate.Result down =
        km.run(
            Args.busyboxRun(ns, "shop", "2.0.0")
                .option("--phase", "down")
                .option("--compatible-from", "1.0.0")
                .sh("echo restore the old column")
                .build());
    assertThat(down.exitCode()).as(down.toString()).isZero();
    Kubemigrate.Result allowed =
        km.run("await", "-n", ns.name(), "--app", "shop", "--version", "1.0.0", "--timeout", "30s");
    assertThat(allowed.exitCode()).as(allowed.toString()).isZero();
  }

  @Test
  @DisplayName("a rollout that fails ends the post phase with RolloutFailed, and no contract runs")
  void failedRolloutStopsTheContract(Kubemigrate km, TestNamespace ns, KubernetesClient client) {
    client
        .apps()
        .deployments()
        .inNamespace(ns.name())
        .resource(app("shop", "1.0.0", Images.BUSYBOX, 10))
        .create();
    awaitRolledOut(client, ns, "shop");
    // 2.0.0's image does not exist on the node: its pods never start, the deadline passes
    client
        .apps()
        .deployments()
        .inNamespace(ns.name())
        .withName("shop")
        .edit(
            d -> {
              d.getSpec()
                  .getTemplate()
                  .getMetadata()
                  .getLabels()
                  .put("kubemigrate.dev/version", "2.0.0");
              d.getSpec()
                  .getTemplate()
                  .getSpec()
                  .getContainers()
                  .get(0)
                  .setImage("kubemigrate.local/never-built:1");
              return d;
            });
    Kubemigrate.Result post =
        km.run(
            Args.busyboxRun(ns, "shop", "2.0.0")
                .option("--phase", "post")
                .option("--after", "deployment/shop")
                .sh("echo contract")
                .build());
    assertThat(post.exitCode()).as(post.toString()).isEqualTo(9);
    assertThat(post.stderr()).contains("RolloutFailed").contains("ProgressDeadlineExceeded");
    assertThat(client.batch().v1().jobs().inNamespace(ns.name()).list().getItems()).isEmpty();
    assertThat(
            client
                .configMaps()
                .inNamespace(ns.name())
                .withName("kubemigrate-shop-post-2.0.0")
                .get())
        .isNull();
  }
}
