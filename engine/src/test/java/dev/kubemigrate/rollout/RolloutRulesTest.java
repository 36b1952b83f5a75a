package dev.kubemigrate.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubemigrate.api.Reason;
import dev.kubemigrate.rollout.RolloutRules.State;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The rollout's state, on Deployments, StatefulSets and pods shaped as the API serves them. */
class RolloutRulesTest {

  private static Deployment deployment(
      String templateVersion,
      long generation,
      long observed,
      int updated,
      int available,
      int total) {
    DeploymentBuilder b =
        new DeploymentBuilder()
            .withNewMetadata()
            .withName("shop")
            .withGeneration(generation)
            .endMetadata()
            .withNewSpec()
            .withReplicas(3)
            .withNewTemplate()
            .withNewMetadata()
            .withLabels(
                templateVersion == null
                    ? Map.of("app", "shop")
                    : Map.of("app", "shop", RolloutRules.VERSION_LABEL, templateVersion))
            .endMetadata()
            .endTemplate()
            .endSpec()
            .withNewStatus()
            .withObservedGeneration(observed)
            .withUpdatedReplicas(updated)
            .withAvailableReplicas(available)
            .withReplicas(total)
            .endStatus();
    Deployment d = b.build();
    d.setKind("Deployment");
    return d;
  }

  private static Pod pod(String name, String version, boolean ready, boolean terminating) {
    PodBuilder b =
        new PodBuilder()
            .withNewMetadata()
            .withName(name)
            .withLabels(
                version == null
                    ? Map.of("app", "shop")
                    : Map.of("app", "shop", RolloutRules.VERSION_LABEL, version))
            .withDeletionTimestamp(terminating ? "2026-12-01T16:40:00Z" : null)
            .endMetadata()
            .withNewStatus()
            .withPhase("Running")
            .addNewCondition()
            .withType("Ready")
            .withStatus(ready ? "True" : "False")
            .endCondition()
            .endStatus();
    return b.build();
  }

  private static List<Pod> pods(int atNew, int oldRunning, int oldTerminating) {
    List<Pod> pods = new ArrayList<>();
    for (int i = 0; i < atNew; i++) {
      pods.add(pod("new-" + i, "1.5.0", true, false));
    }
    for (int i = 0; i < oldRunning; i++) {
      pods.add(pod("old-" + i, "1.4.0", true, false));
    }
    for (int i = 0; i < oldTerminating; i++) {
      pods.add(pod("gone-" + i, "1.4.0", true, true));
    }
    return pods;
  }

  @Test
  @DisplayName(
      "done only once every replica is updated and available and no old pod is left, terminating ones included")
  void doneWhenNoOldPodIsLeft() {
    State waiting = RolloutRules.state(deployment("1.5.0", 2, 2, 3, 3, 4), pods(2, 1, 1), "1.5.0");
    assertThat(waiting).isInstanceOf(State.Waiting.class);
    assertThat(waiting.message())
        .isEqualTo("deployment/shop: 2/3 pods at 1.5.0, 1 old pod running, 1 old pod terminating");
    State terminating =
        RolloutRules.state(deployment("1.5.0", 2, 2, 3, 3, 3), pods(3, 0, 1), "1.5.0");
    assertThat(terminating).isInstanceOf(State.Waiting.class);
    assertThat(terminating.message())
        .isEqualTo("deployment/shop: 3/3 pods at 1.5.0, 1 old pod terminating");
    State done = RolloutRules.state(deployment("1.5.0", 2, 2, 3, 3, 3), pods(3, 0, 0), "1.5.0");
    assertThat(done).isInstanceOf(State.Done.class);
  }

  @Test
  @DisplayName(
      "a template not yet at the version, or a generation the controller has not seen, is waited for")
  void notYetRolling() {
    assertThat(
            RolloutRules.state(deployment("1.4.0", 1, 1, 3, 3, 3), pods(0, 3, 0), "1.5.0")
                .message())
        .isEqualTo("deployment/shop: its template is at 1.4.0, waiting for 1.5.0");
    assertThat(
            RolloutRules.state(deployment("1.5.0", 3, 2, 3, 3, 3), pods(0, 3, 0), "1.5.0")
                .message())
        .isEqualTo("deployment/shop: its controller has not yet seen generation 3");
    // a newer template than the version also ends the wait once no older pod is left
    assertThat(
            RolloutRules.state(
                deployment("1.6.0", 2, 2, 3, 3, 3),
                List.of(
                    pod("a", "1.6.0", true, false),
                    pod("b", "1.6.0", true, false),
                    pod("c", "1.6.0", true, false)),
                "1.5.0"))
        .isInstanceOf(State.Done.class);
  }

  @Test
  @DisplayName("pods without a version label are old; unready new pods do not count")
  void unlabelledAndUnready() {
    List<Pod> pods = new ArrayList<>(pods(2, 0, 0));
    pods.add(pod("unready", "1.5.0", false, false));
    pods.add(pod("legacy", null, true, false));
    State s = RolloutRules.state(deployment("1.5.0", 2, 2, 3, 2, 4), pods, "1.5.0");
    assertThat(s.message()).isEqualTo("deployment/shop: 2/3 pods at 1.5.0, 1 old pod running");
  }

  @Test
  @DisplayName("a template without a version label is refused, with what to add")
  void unreadable() {
    State s = RolloutRules.state(deployment(null, 1, 1, 3, 3, 3), pods(3, 0, 0), "1.5.0");
    assertThat(s).isInstanceOf(State.Failed.class);
    assertThat(((State.Failed) s).reason()).isEqualTo(Reason.ROLLOUT_UNREADABLE);
    assertThat(s.message())
        .contains("deployment/shop: its pod template has no label kubemigrate.dev/version")
        .contains("add kubemigrate.dev/version: \"1.5.0\"");
  }

  @Test
  @DisplayName(
      "app.kubernetes.io/version (Helm's appVersion) is read when kubemigrate.dev/version is not set")
  void appVersionLabel() {
    Deployment d = deployment(null, 1, 1, 3, 3, 3);
    d.getSpec()
        .getTemplate()
        .getMetadata()
        .setLabels(Map.of(RolloutRules.APP_VERSION_LABEL, "1.5.0"));
    List<Pod> pods = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      Pod p = pod("p" + i, null, true, false);
      p.getMetadata().setLabels(Map.of(RolloutRules.APP_VERSION_LABEL, "1.5.0"));
      pods.add(p);
    }
    assertThat(RolloutRules.state(d, pods, "1.5.0")).isInstanceOf(State.Done.class);
  }

  @Test
  @DisplayName("ProgressDeadlineExceeded fails the wait, in the controller's words")
  void progressDeadline() {
    Deployment d = deployment("1.5.0", 2, 2, 1, 0, 4);
    d.getStatus()
        .setConditions(
            List.of(
                new io.fabric8.kubernetes.api.model.apps.DeploymentConditionBuilder()
                    .withType("Progressing")
                    .withStatus("False")
                    .withReason("ProgressDeadlineExceeded")
                    .withMessage("ReplicaSet \"shop-6d4cf56db6\" has timed out progressing.")
                    .build()));
    State s = RolloutRules.state(d, pods(0, 3, 0), "1.5.0");
    assertThat(((State.Failed) s).reason()).isEqualTo(Reason.ROLLOUT_FAILED);
    assertThat(s.message())
        .isEqualTo(
            "deployment/shop: ProgressDeadlineExceeded: ReplicaSet \"shop-6d4cf56db6\" has timed out progressing.");
  }

  @Test
  @DisplayName("a StatefulSet: updated and ready replicas, and no old pod")
  void statefulSet() {
    StatefulSet s =
        new StatefulSetBuilder()
            .withNewMetadata()
            .withName("db")
            .withGeneration(4L)
            .endMetadata()
            .withNewSpec()
            .withReplicas(2)
            .withNewTemplate()
            .withNewMetadata()
            .withLabels(Map.of(RolloutRules.VERSION_LABEL, "2.0.0"))
            .endMetadata()
            .endTemplate()
            .endSpec()
            .withNewStatus()
            .withObservedGeneration(4L)
            .withUpdatedReplicas(1)
            .withReadyReplicas(2)
            .withReplicas(2)
            .endStatus()
            .build();
    s.setKind("StatefulSet");
    List<Pod> pods = List.of(pod("db-0", "1.9.0", true, false), pod("db-1", "2.0.0", true, false));
    assertThat(RolloutRules.state(s, pods, "2.0.0").message())
        .isEqualTo("statefulset/db: 1/2 pods at 2.0.0, 1 old pod running");
    s.getStatus().setUpdatedReplicas(2);
    assertThat(
            RolloutRules.state(
                s,
                List.of(pod("db-0", "2.0.0", true, false), pod("db-1", "2.0.0", true, false)),
                "2.0.0"))
        .isInstanceOf(State.Done.class);
  }
}
