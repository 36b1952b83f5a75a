package dev.kubemigrate.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * `kubemigrate await` in the init container of a real Deployment, with kubemigrate's own image and
 * the shipped RBAC (deploy/rbac): the rollout waits for the migration of its version.
 */
@ExtendWith(LocalCluster.class)
class AwaitIT {

  @Test
  @DisplayName(
      "New pods wait for their version's migration; a failed one holds them, old pods serve")
  void awaitGatesTheRollout(Kubemigrate admin, TestNamespace ns, KubernetesClient client) {
    // Given the shipped RBAC, a CI runner with only `run`'s rights, and version 1 migrated and live
    ServiceAccounts.applyRbac(client, ns.name(), "run");
    ServiceAccounts.applyRbac(client, ns.name(), "await");
    Kubemigrate ci =
        admin.withKubeconfig(ServiceAccounts.kubeconfig(client, ns.name(), "kubemigrate-run"));
    assertThat(migrate(ci, ns, "1", "echo migrated 1").exitCode()).isZero();
    client.apps().deployments().inNamespace(ns.name()).resource(deployment("1")).create();
    awaitRolledOut(client, ns, "1");

    // When version 2 is rolled out before its migration ran
    client.apps().deployments().inNamespace(ns.name()).resource(deployment("2")).update();

    // Then its new pod waits in its init container, saying why, and the old pods keep serving
    Pod waiting =
        await()
            .atMost(Duration.ofMinutes(1))
            .until(() -> podOf(client, ns, "2"), p -> p != null && initRunning(p));
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> initLog(client, ns, waiting), log -> log.contains("has not started yet"));
    assertThat(available(client, ns)).isEqualTo(3);
    assertThat(readyPods(client, ns, "1")).hasSize(3);

    // When the pipeline migrates version 2
    assertThat(migrate(ci, ns, "2", "echo migrated 2").exitCode()).isZero();

    // Then the rollout completes
    awaitRolledOut(client, ns, "2");

    // When version 3's migration fails, and version 3 is rolled out anyway
    Kubemigrate.Result failed =
        migrate(ci, ns, "3", "echo 'ERROR: column \"x\" does not exist'; exit 1");
    assertThat(failed.exitCode()).as(failed.toString()).isEqualTo(1);
    client.apps().deployments().inNamespace(ns.name()).resource(deployment("3")).update();

    // Then the new pod never starts: its init container fails, its log says why; version 2 serves
    Pod held =
        await()
            .atMost(Duration.ofMinutes(1))
            .until(() -> podOf(client, ns, "3"), p -> p != null && initFailed(p));
    assertThat(initLog(client, ns, held))
        .contains("failed")
        .contains("exited with code 1")
        .contains("column \"x\" does not exist");
    assertThat(available(client, ns)).isEqualTo(3);
    assertThat(readyPods(client, ns, "2")).hasSize(3);
    assertThat(readyPods(client, ns, "3")).isEmpty();
  }

  private static Kubemigrate.Result migrate(
      Kubemigrate km, TestNamespace ns, String version, String script) {
    return km.run(Args.busyboxRun(ns, "shop", version).sh(script).build());
  }

  /** Three replicas of the app at this version. */
  private static Deployment deployment(String version) {
    return deployment(version, 3);
  }

  /** The app: version N's pods await version N's migration in their init container. */
  static Deployment deployment(String version, int replicas) {
    return new DeploymentBuilder()
        .withNewMetadata()
        .withName("shop")
        .endMetadata()
        .withNewSpec()
        .withReplicas(replicas)
        .withNewSelector()
        .addToMatchLabels("app", "shop")
        .endSelector()
        .withNewStrategy()
        .withType("RollingUpdate")
        .withNewRollingUpdate()
        .withNewMaxUnavailable(0)
        .withNewMaxSurge(1)
        .endRollingUpdate()
        .endStrategy()
        .withNewTemplate()
        .withNewMetadata()
        .addToLabels("app", "shop")
        .addToLabels("version", version)
        // how a post phase (--after deployment/shop) tells this version's pods from older ones
        .addToLabels("kubemigrate.dev/version", version)
        .endMetadata()
        .withNewSpec()
        .withServiceAccountName("kubemigrate-await")
        .withTerminationGracePeriodSeconds(1L)
        .addNewInitContainer()
        .withName("await-migration")
        .withImage(Images.KUBEMIGRATE)
        .withImagePullPolicy("Never")
        .withArgs("await", "--app", "shop", "--version", version, "--timeout", "10m")
        .withNewResources()
        .addToLimits("memory", new io.fabric8.kubernetes.api.model.Quantity("192Mi"))
        .endResources()
        .endInitContainer()
        .addNewContainer()
        .withName("app")
        .withImage(Images.BUSYBOX)
        .withImagePullPolicy("Never")
        .withCommand("sleep", "3600")
        .endContainer()
        .endSpec()
        .endTemplate()
        .endSpec()
        .build();
  }

  private static void awaitRolledOut(KubernetesClient client, TestNamespace ns, String version) {
    await()
        .atMost(Duration.ofMinutes(2))
        .until(
            () ->
                readyPods(client, ns, version).size() == 3
                    && podsOfOtherVersions(client, ns, version) == 0);
  }

  private static Pod podOf(KubernetesClient client, TestNamespace ns, String version) {
    return pods(client, ns).stream()
        .filter(p -> version.equals(p.getMetadata().getLabels().get("version")))
        .findFirst()
        .orElse(null);
  }

  private static List<Pod> pods(KubernetesClient client, TestNamespace ns) {
    return client.pods().inNamespace(ns.name()).withLabel("app", "shop").list().getItems().stream()
        .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
        .toList();
  }

  private static List<Pod> readyPods(KubernetesClient client, TestNamespace ns, String version) {
    return pods(client, ns).stream()
        .filter(p -> version.equals(p.getMetadata().getLabels().get("version")))
        .filter(
            p ->
                p.getStatus().getConditions().stream()
                    .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus())))
        .toList();
  }

  private static long podsOfOtherVersions(
      KubernetesClient client, TestNamespace ns, String version) {
    return pods(client, ns).stream()
        .filter(p -> !version.equals(p.getMetadata().getLabels().get("version")))
        .count();
  }

  private static int available(KubernetesClient client, TestNamespace ns) {
    Integer n =
        client
            .apps()
            .deployments()
            .inNamespace(ns.name())
            .withName("shop")
            .get()
            .getStatus()
            .getAvailableReplicas();
    return n == null ? 0 : n;
  }

  private static boolean initRunning(Pod p) {
    return init(p) != null && init(p).getState() != null && init(p).getState().getRunning() != null;
  }

  private static boolean initFailed(Pod p) {
    ContainerStatus s = init(p);
    if (s == null) {
      return false;
    }
    return (s.getState() != null
            && s.getState().getTerminated() != null
            && s.getState().getTerminated().getExitCode() != 0)
        || (s.getLastState() != null
            && s.getLastState().getTerminated() != null
            && s.getLastState().getTerminated().getExitCode() != 0);
  }

  private static ContainerStatus init(Pod p) {
    List<ContainerStatus> s =
        p.getStatus() == null ? null : p.getStatus().getInitContainerStatuses();
    return s == null || s.isEmpty() ? null : s.get(0);
  }

  private static String initLog(KubernetesClient client, TestNamespace ns, Pod p) {
    try {
      return client
          .pods()
          .inNamespace(ns.name())
          .withName(p.getMetadata().getName())
          .inContainer("await-migration")
          .getLog();
    } catch (RuntimeException e) {
      return "";
    }
  }
}
