package dev.kubemigrate.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kubemigrate.migration.Migration;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The operator as a platform team installs it: kubemigrate's image pushed to a registry (the local
 * one, with authentication), pulled with an image pull secret, and the chart in deploy/helm
 * installed, upgraded to a new image tag and uninstalled with the real helm; and the plain
 * manifests of deploy/operator checked by the API server with kubectl apply.
 */
@ExtendWith(LocalCluster.class)
class HelmInstallIT {

  @Test
  @DisplayName(
      "helm install from the registry with a pull secret; helm upgrade to a new tag while a"
          + " Migration runs: the operator rolls, the Migration finishes once; helm uninstall")
  void installUpgradeUninstall(
      Kubemigrate km, KubernetesClient client, TestNamespace ns, Registry registry)
      throws Exception {
    Scripts scripts = Scripts.ofProject();
    // Given kubemigrate's image (as scripts/test built it) in the registry under two tags, and
    // the pull secret
    scripts.run("local-cluster", "push", "kubemigrate.tar", "kubemigrate/kubemigrate:e2e-1");
    scripts.run("local-cluster", "push", "kubemigrate.tar", "kubemigrate/kubemigrate:e2e-2");
    client
        .secrets()
        .inNamespace(ns.name())
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName("registry")
                .endMetadata()
                .withType("kubernetes.io/dockerconfigjson")
                .addToStringData(
                    ".dockerconfigjson",
                    registry.dockerConfig(registry.user(), registry.password()))
                .build())
        .create();
    String release = "km";
    String deployment = "km-kubemigrate-operator";
    List<String> values =
        List.of(
            "--set", "image.repository=" + registry.image("kubemigrate/kubemigrate"),
            "--set", "image.pullPolicy=Always",
            "--set", "imagePullSecrets[0].name=registry",
            "--set", "watchNamespaces[0]=" + ns.name(),
            "--set", "resources.requests.cpu=10m");
    try {
      // When helm installs the chart
      Processes.Ran install =
          helm(
              km,
              concat(
                  List.of("install", release, "deploy/helm/kubemigrate-operator", "-n", ns.name()),
                  values,
                  List.of("--set", "image.tag=e2e-1", "--wait", "--timeout", "3m")));
      assertThat(install.exitCode()).as(install.output()).isZero();
      // Then the operator runs from the registry's image
      assertThat(operatorImages(client, ns))
          .containsOnly(registry.image("kubemigrate/kubemigrate:e2e-1"));

      // And a Migration that runs for a while is started by it
      client
          .resourceList(
              """
              apiVersion: kubemigrate.dev/v1alpha1
              kind: Migration
              metadata:
                name: shop
              spec:
                app: shop
                version: "1"
                image: %s
                imagePullPolicy: Never
                command: [sh, -c, 'echo started; sleep 15; echo applied']
              """
                  .formatted(Images.BUSYBOX))
          .inNamespace(ns.name())
          .createOrReplace();
      await()
          .atMost(Duration.ofMinutes(2))
          .until(
              () -> !client.batch().v1().jobs().inNamespace(ns.name()).list().getItems().isEmpty());

      // When helm upgrades the release to the new tag while the Migration runs
      Processes.Ran upgrade =
          helm(
              km,
              concat(
                  List.of("upgrade", release, "deploy/helm/kubemigrate-operator", "-n", ns.name()),
                  values,
                  List.of("--set", "image.tag=e2e-2", "--wait", "--timeout", "3m")));
      assertThat(upgrade.exitCode()).as(upgrade.output()).isZero();
      // Then the operator rolled to the new tag
      await()
          .atMost(Duration.ofMinutes(2))
          .until(
              () ->
                  operatorImages(client, ns)
                      .equals(List.of(registry.image("kubemigrate/kubemigrate:e2e-2"))));
      // And the Migration finished, once: one Job, one pod, attempt 1
      await()
          .atMost(Duration.ofMinutes(2))
          .until(
              () -> {
                Migration m =
                    client.resources(Migration.class).inNamespace(ns.name()).withName("shop").get();
                return m.getStatus() != null
                    && m.getStatus().condition("Ready") != null
                    && "True".equals(m.getStatus().condition("Ready").getStatus());
              });
      assertThat(Records.only(client, ns).getData())
          .containsEntry("state", "Succeeded")
          .containsEntry("attempt", "1");
      assertThat(client.batch().v1().jobs().inNamespace(ns.name()).list().getItems()).hasSize(1);
      assertThat(
              client
                  .pods()
                  .inNamespace(ns.name())
                  .withLabel("kubemigrate.dev/app", "shop")
                  .list()
                  .getItems())
          .hasSize(1);

      // When helm uninstalls it
      Processes.Ran uninstall = helm(km, List.of("uninstall", release, "-n", ns.name(), "--wait"));
      assertThat(uninstall.exitCode()).as(uninstall.output()).isZero();
      // Then the operator is gone; the Migration and its record stay (the CRD too: helm keeps CRDs)
      assertThat(client.apps().deployments().inNamespace(ns.name()).withName(deployment).get())
          .isNull();
      assertThat(client.resources(Migration.class).inNamespace(ns.name()).withName("shop").get())
          .isNotNull();
      assertThat(Records.all(client, ns)).hasSize(1);
    } finally {
      helm(km, List.of("uninstall", release, "-n", ns.name()));
    }
  }

  @Test
  @DisplayName(
      "The plain manifests of deploy/operator apply with kubectl as they are, and delete again")
  void plainManifests(Kubemigrate km, KubernetesClient client) throws Exception {
    Path root = Scripts.ofProject().root();
    Map<String, String> env = Map.of("KUBECONFIG", km.kubeconfig().toString());
    try {
      Processes.Ran apply =
          Processes.run(
              root,
              env,
              "kubectl",
              "apply",
              "-f",
              "deploy/operator/crd.yaml",
              "-f",
              "deploy/operator/operator.yaml");
      assertThat(apply.exitCode()).as(apply.output()).isZero();
      assertThat(apply.output())
          .contains("customresourcedefinition.apiextensions.k8s.io/migrations.kubemigrate.dev")
          .contains("namespace/kubemigrate-system")
          .contains("deployment.apps/kubemigrate-operator");
      assertThat(
              client
                  .apps()
                  .deployments()
                  .inNamespace("kubemigrate-system")
                  .withName("kubemigrate-operator")
                  .get())
          .isNotNull();
    } finally {
      // Not the CRD: the other tests' Migrations live on it
      Processes.Ran delete =
          Processes.run(
              root,
              env,
              "kubectl",
              "delete",
              "--ignore-not-found",
              "--wait=false",
              "-f",
              "deploy/operator/operator.yaml");
      assertThat(delete.exitCode()).as(delete.output()).isZero();
    }
  }

  private static List<String> operatorImages(KubernetesClient client, TestNamespace ns) {
    List<String> images = new ArrayList<>();
    for (Pod p :
        client
            .pods()
            .inNamespace(ns.name())
            .withLabel("app.kubernetes.io/name", "kubemigrate-operator")
            .list()
            .getItems()) {
      if (p.getMetadata().getDeletionTimestamp() == null) {
        images.add(p.getSpec().getContainers().get(0).getImage());
      }
    }
    return images.stream().distinct().toList();
  }

  private static Processes.Ran helm(Kubemigrate km, List<String> args) throws Exception {
    Scripts scripts = Scripts.ofProject();
    List<String> command = new ArrayList<>();
    command.add(scripts.root().resolve("scripts/helm-template").toString());
    command.add("--helm");
    command.addAll(args);
    command.add("--kubeconfig");
    command.add(km.kubeconfig().toString());
    return Processes.run(scripts.root(), Map.of(), command.toArray(String[]::new));
  }

  @SafeVarargs
  private static List<String> concat(List<String>... lists) {
    List<String> all = new ArrayList<>();
    for (List<String> l : lists) {
      all.addAll(l);
    }
    return all;
  }
}
