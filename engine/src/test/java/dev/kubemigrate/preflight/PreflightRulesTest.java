package dev.kubemigrate.preflight;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubemigrate.preflight.PreflightRules.Lookup;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class PreflightRulesTest {

  /** The cluster of these tests: what exists, and what may not be read. */
  private static final Map<String, Lookup> CLUSTER =
      Map.of(
          "SECRET/db", new Lookup.Present(Set.of("user", "password"), "Opaque"),
          "CONFIG_MAP/settings", new Lookup.Present(Set.of("url"), null),
          "SECRET/regcred",
              new Lookup.Present(Set.of(".dockerconfigjson"), "kubernetes.io/dockerconfigjson"),
          "SERVICE_ACCOUNT/migrator", new Lookup.Present(Set.of(), null),
          "SECRET/hidden", new Lookup.Unknown("no permission to get secrets"));

  private final List<String> asked = new ArrayList<>();

  private PreflightRules.Result check(PodSpec pod, boolean strict) {
    return PreflightRules.check(
        pod,
        (kind, name) -> {
          asked.add(kind + "/" + name);
          return CLUSTER.getOrDefault(kind + "/" + name, new Lookup.Absent());
        },
        strict);
  }

  @Test
  @DisplayName("a pod whose every reference exists passes, optional missing ones included")
  void everythingPresentPasses() {
    PodSpec pod =
        new PodSpecBuilder()
            .withServiceAccountName("migrator")
            .addNewImagePullSecret("regcred")
            .addNewContainer()
            .withName("migrate")
            .addNewEnv()
            .withName("PGUSER")
            .withNewValueFrom()
            .withNewSecretKeyRef("user", "db", false)
            .endValueFrom()
            .endEnv()
            .addNewEnv()
            .withName("OPT")
            .withNewValueFrom()
            .withNewSecretKeyRef("x", "absent", true)
            .endValueFrom()
            .endEnv()
            .addNewEnvFrom()
            .withNewConfigMapRef("settings", false)
            .endEnvFrom()
            .addNewEnvFrom()
            .withNewSecretRef("absent-too", true)
            .endEnvFrom()
            .endContainer()
            .build();
    PreflightRules.Result result = check(pod, false);
    assertThat(result.problems()).isEmpty();
    assertThat(result.skipped()).isEmpty();
  }

  @Test
  @DisplayName(
      "every missing Secret, ConfigMap, key, service account and pull secret is named at once,"
          + " each with what to do")
  void namesEveryProblemAtOnce() {
    PodSpec pod =
        new PodSpecBuilder()
            .withServiceAccountName("no-such-sa")
            .addNewImagePullSecret("no-such-regcred")
            .addNewImagePullSecret("db")
            .addNewInitContainer()
            .withName("wait")
            .addNewEnv()
            .withName("PGPASS")
            .withNewValueFrom()
            .withNewSecretKeyRef("pass", "db", null)
            .endValueFrom()
            .endEnv()
            .endInitContainer()
            .addNewContainer()
            .withName("migrate")
            .addNewEnv()
            .withName("URL")
            .withNewValueFrom()
            .withNewConfigMapKeyRef("jdbc", "settings", false)
            .endValueFrom()
            .endEnv()
            .addNewEnvFrom()
            .withNewSecretRef("shop-db", false)
            .endEnvFrom()
            .endContainer()
            .addNewVolume()
            .withName("certs")
            .withNewSecret()
            .withSecretName("tls")
            .endSecret()
            .endVolume()
            .addNewVolume()
            .withName("conf")
            .withNewProjected()
            .addNewSource()
            .withNewConfigMap()
            .withName("settings")
            .addNewItem("missing.conf", null, "a")
            .endConfigMap()
            .endSource()
            .endProjected()
            .endVolume()
            .build();
    PreflightRules.Result result = check(pod, false);
    assertThat(result.problems())
        .containsExactly(
            "secret db has no key pass (env PGPASS of container wait): add it, or fix the key; its"
                + " keys: password, user",
            "configmap settings has no key jdbc (env URL of container migrate): add it, or fix the"
                + " key; its keys: url",
            "secret shop-db (envFrom of container migrate) does not exist: create it, or mark the"
                + " reference optional",
            "secret tls (volume certs) does not exist: create it, or mark the reference optional",
            "configmap settings has no key missing.conf (volume conf): add it, or fix the item; its"
                + " keys: url",
            "service account no-such-sa (serviceAccountName of the pod) does not exist: create it, or"
                + " fix the name",
            "secret no-such-regcred (image pull secret) does not exist: create it, or mark the"
                + " reference optional",
            "image pull secret db is of type Opaque, which the kubelet does not use to pull: create"
                + " it with kubectl create secret docker-registry");
    assertThat(PreflightRules.describe(result))
        .startsWith("pre-flight found 8 problems before anything was created: 1) secret db");
    // each object is asked about once, however often it is referenced
    assertThat(asked).doesNotHaveDuplicates();
  }

  @Test
  @DisplayName("what the identity may not read is skipped in auto, and a problem in strict")
  void unknownIsSkippedOrStrict() {
    PodSpec pod =
        new PodSpecBuilder()
            .addNewContainer()
            .withName("migrate")
            .addNewEnvFrom()
            .withNewSecretRef("hidden", false)
            .endEnvFrom()
            .endContainer()
            .build();
    PreflightRules.Result auto = check(pod, false);
    assertThat(auto.problems()).isEmpty();
    assertThat(auto.skipped()).containsExactly("secrets (no permission to get secrets)");
    PreflightRules.Result strict = check(pod, true);
    assertThat(strict.problems())
        .containsExactly(
            "cannot check secret hidden (envFrom of container migrate): no permission to get"
                + " secrets (--preflight strict)");
  }
}
