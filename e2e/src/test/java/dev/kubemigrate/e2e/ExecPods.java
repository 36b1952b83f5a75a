package dev.kubemigrate.e2e;

import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.EnvFromSourceBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * One pod that runs a command once, as an app's init container would run `kubemigrate exec`: the
 * service account kubemigrate-exec (ServiceAccounts.applyRbac(…, "exec")), the settings from a
 * Secret and a few variables, no restart; and how it ended.
 */
final class ExecPods {

  /** How the pod's container ended: its exit code and its whole log. */
  record Ended(int exitCode, String log) {}

  private ExecPods() {}

  /**
   * A pod {@code name} of the service account kubemigrate-exec whose one container, {@code
   * migrate}, runs {@code command} once; its settings from Secret {@code secret} (or none: null)
   * and {@code env}.
   */
  static Pod pod(
      String name,
      String image,
      String secret,
      Map<String, String> env,
      long gracePeriodSeconds,
      List<String> command) {
    return new PodBuilder()
        .withNewMetadata()
        .withName(name)
        .endMetadata()
        .withNewSpec()
        .withServiceAccountName("kubemigrate-exec")
        .withRestartPolicy("Never")
        .withTerminationGracePeriodSeconds(gracePeriodSeconds)
        .addNewContainer()
        .withName("migrate")
        .withImage(image)
        .withImagePullPolicy("Never")
        .withCommand(command)
        .withEnvFrom(
            secret == null
                ? List.of()
                : List.of(
                    new EnvFromSourceBuilder()
                        .withNewSecretRef()
                        .withName(secret)
                        .endSecretRef()
                        .build()))
        .withEnv(
            env.entrySet().stream().map(e -> new EnvVar(e.getKey(), e.getValue(), null)).toList())
        .endContainer()
        .endSpec()
        .build();
  }

  /** Creates pod {@code name} and waits until its container has ended. */
  static Ended run(
      KubernetesClient client,
      TestNamespace ns,
      String name,
      String image,
      String secret,
      Map<String, String> env,
      List<String> command) {
    Pod pod = pod(name, image, secret, env, 1, command);
    client.pods().inNamespace(ns.name()).resource(pod).create();
    ContainerStateTerminated[] ended = new ContainerStateTerminated[1];
    await()
        .atMost(Duration.ofMinutes(2))
        .until(
            () -> {
              Pod p = client.pods().inNamespace(ns.name()).withName(name).get();
              if (p == null || p.getStatus().getContainerStatuses().isEmpty()) {
                return false;
              }
              ended[0] = p.getStatus().getContainerStatuses().get(0).getState().getTerminated();
              return ended[0] != null;
            });
    String log = client.pods().inNamespace(ns.name()).withName(name).getLog();
    return new Ended(ended[0].getExitCode(), log);
  }
}
