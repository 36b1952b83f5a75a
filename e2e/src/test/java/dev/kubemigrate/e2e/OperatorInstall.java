package dev.kubemigrate.e2e;

import static org.awaitility.Awaitility.await;

import dev.kubemigrate.names.Hashing;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Installs the operator from the shipped manifests (deploy/operator), as a user would, with what a
 * test needs changed: the locally built image, the test's namespace instead of kubemigrate-system
 * (cluster-wide names get the namespace as a suffix, so tests do not share an operator), and only
 * that namespace watched.
 */
final class OperatorInstall {

  static final String NAME = "kubemigrate-operator";

  private OperatorInstall() {}

  /** Applies the CRD (shared by every test) and waits until the API serves it. */
  static void applyCrd(KubernetesClient client) {
    Path file = Scripts.ofProject().root().resolve("deploy/operator/crd.yaml");
    try {
      CustomResourceDefinition crd =
          client
              .apiextensions()
              .v1()
              .customResourceDefinitions()
              .load(Files.newInputStream(file))
              .item();
      client
          .apiextensions()
          .v1()
          .customResourceDefinitions()
          .resource(crd)
          .patch(
              new PatchContext.Builder()
                  .withPatchType(PatchType.SERVER_SIDE_APPLY)
                  .withFieldManager("kubemigrate-e2e")
                  .withForce(true)
                  .build());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              CustomResourceDefinition crd =
                  client
                      .apiextensions()
                      .v1()
                      .customResourceDefinitions()
                      .withName("migrations.kubemigrate.dev")
                      .get();
              return crd != null
                  && crd.getStatus() != null
                  && crd.getStatus().getConditions().stream()
                      .anyMatch(
                          c -> "Established".equals(c.getType()) && "True".equals(c.getStatus()));
            });
  }

  /** Installs the operator into {@code namespace}, watching it; returns what was created. */
  static List<HasMetadata> install(KubernetesClient client, String namespace, int replicas) {
    applyCrd(client);
    Path file = Scripts.ofProject().root().resolve("deploy/operator/operator.yaml");
    String yaml;
    try {
      yaml =
          Files.readString(file)
              .replace("namespace: kubemigrate-system", "namespace: " + namespace)
              // Every object name, label and reference: the names of cluster-wide objects must
              // not collide between tests.
              .replace("name: " + NAME, "name: " + installName(namespace))
              .replace(
                  "serviceAccountName: " + NAME, "serviceAccountName: " + installName(namespace));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<HasMetadata> objects = new ArrayList<>();
    for (HasMetadata o : client.resourceList(yaml).items()) {
      if (o instanceof Namespace) {
        continue;
      }
      if (o instanceof Deployment d) {
        d.getSpec().setReplicas(replicas);
        var container = d.getSpec().getTemplate().getSpec().getContainers().get(0);
        container.setImage(Images.KUBEMIGRATE);
        container.setImagePullPolicy("Never");
        // No $KUBEMIGRATE_IMAGE: the operator reads the image above from its own pod, for the
        // pods' init containers (wait-for-db, and the start gate before Kubernetes 1.26).
        List<String> args = new ArrayList<>(container.getArgs());
        args.replaceAll(a -> a.equals("--all-namespaces") ? "--watch-namespace=" + namespace : a);
        container.setArgs(args);
        d.getSpec().getTemplate().getSpec().setTerminationGracePeriodSeconds(5L);
      }
      objects.add(o);
    }
    return client.resourceList(objects).createOrReplace();
  }

  /** The name of this namespace's install: short, as labels take 63 characters at most. */
  static String installName(String namespace) {
    return NAME + "-" + Hashing.sha256Hex(namespace, 8);
  }

  /** The operator's running pods. */
  static List<Pod> pods(KubernetesClient client, String namespace) {
    return client
        .pods()
        .inNamespace(namespace)
        .withLabel("app.kubernetes.io/name", installName(namespace))
        .list()
        .getItems()
        .stream()
        .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
        .toList();
  }

  /** Waits until {@code replicas} operator pods are ready. */
  static void awaitReady(KubernetesClient client, String namespace, int replicas) {
    await()
        .atMost(Duration.ofMinutes(2))
        .until(
            () ->
                pods(client, namespace).stream()
                        .filter(
                            p ->
                                p.getStatus().getConditions().stream()
                                    .anyMatch(
                                        c ->
                                            "Ready".equals(c.getType())
                                                && "True".equals(c.getStatus())))
                        .count()
                    == replicas);
  }

  /** The holder of the operator's leader-election Lease, or null. */
  static String leader(KubernetesClient client, String namespace) {
    Lease lease = client.leases().inNamespace(namespace).withName(NAME).get();
    return lease == null || lease.getSpec() == null ? null : lease.getSpec().getHolderIdentity();
  }

  /** The logs of every operator pod, for a failing test's message. */
  static String logs(KubernetesClient client, String namespace) {
    StringBuilder out = new StringBuilder();
    for (Pod p : pods(client, namespace)) {
      out.append("---- ").append(p.getMetadata().getName()).append(" ----\n");
      try {
        out.append(
            client.pods().inNamespace(namespace).withName(p.getMetadata().getName()).getLog());
      } catch (RuntimeException e) {
        out.append("(no log: ").append(e.getMessage()).append(")\n");
      }
    }
    return out.toString();
  }
}
