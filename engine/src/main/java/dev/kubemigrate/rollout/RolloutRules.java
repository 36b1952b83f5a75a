package dev.kubemigrate.rollout;

import dev.kubemigrate.api.Reason;
import dev.kubemigrate.api.Versions;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Whether a workload's rollout to a version is over: the controller has observed its current
 * generation, every replica is updated and available, and no pod of an older version is left,
 * terminating pods included. Pure: the workload and its pods are arguments.
 *
 * <p>A pod's version is its label {@value #VERSION_LABEL}, or else the standard {@value
 * #APP_VERSION_LABEL} (which Helm charts set from the chart's appVersion): the user says what
 * version a pod runs. Image tags are not used: a pod has several images (sidecars, init
 * containers), and tags such as {@code latest} or a digest say nothing of the app's version. A pod
 * without either label is older than any version: it comes from a template that predates them. A
 * workload whose template has neither cannot be waited for, and is refused.
 */
public final class RolloutRules {

  public static final String VERSION_LABEL = "kubemigrate.dev/version";
  public static final String APP_VERSION_LABEL = "app.kubernetes.io/version";

  /** Where a workload's rollout stands. */
  public sealed interface State {
    /** One line, with counts. */
    String message();

    record Done(String message) implements State {}

    record Waiting(String message) implements State {}

    /** It will not finish by itself: the contract must not run. */
    record Failed(Reason reason, String message) implements State {}
  }

  private RolloutRules() {}

  /** {@code deployment/shop}, as kubectl names it. */
  public static String describe(HasMetadata workload) {
    return workload.getKind().toLowerCase(Locale.ROOT) + "/" + workload.getMetadata().getName();
  }

  /** The version a pod template or pod says it runs, if it says. */
  public static Optional<String> version(Map<String, String> labels) {
    if (labels == null) {
      return Optional.empty();
    }
    String v = labels.get(VERSION_LABEL);
    if (v == null || v.isBlank()) {
      v = labels.get(APP_VERSION_LABEL);
    }
    return v == null || v.isBlank() ? Optional.empty() : Optional.of(v);
  }

  /** Where the rollout of {@code workload} to {@code version} stands, given its pods. */
  public static State state(HasMetadata workload, List<Pod> pods, String version) {
    String name = describe(workload);
    PodTemplateSpec template =
        workload instanceof Deployment d
            ? d.getSpec().getTemplate()
            : ((StatefulSet) workload).getSpec().getTemplate();
    Optional<String> templateVersion =
        version(template.getMetadata() == null ? null : template.getMetadata().getLabels());
    if (templateVersion.isEmpty()) {
      return new State.Failed(
          Reason.ROLLOUT_UNREADABLE,
          name
              + ": its pod template has no label "
              + VERSION_LABEL
              + " (nor "
              + APP_VERSION_LABEL
              + "), so kubemigrate cannot tell its old pods from its new: add "
              + VERSION_LABEL
              + ": \""
              + version
              + "\" to the template's labels, set to the version its pods run");
    }
    if (older(templateVersion.get(), version)) {
      return new State.Waiting(
          name + ": its template is at " + templateVersion.get() + ", waiting for " + version);
    }
    Long generation = workload.getMetadata().getGeneration();
    Long observed =
        workload instanceof Deployment d
            ? d.getStatus() == null ? null : d.getStatus().getObservedGeneration()
            : ((StatefulSet) workload).getStatus() == null
                ? null
                : ((StatefulSet) workload).getStatus().getObservedGeneration();
    if (generation != null && (observed == null || observed < generation)) {
      return new State.Waiting(name + ": its controller has not yet seen generation " + generation);
    }
    if (workload instanceof Deployment d && d.getStatus() != null) {
      for (DeploymentCondition c :
          d.getStatus().getConditions() == null
              ? List.<DeploymentCondition>of()
              : d.getStatus().getConditions()) {
        if ("Progressing".equals(c.getType())
            && "False".equals(c.getStatus())
            && "ProgressDeadlineExceeded".equals(c.getReason())) {
          return new State.Failed(
              Reason.ROLLOUT_FAILED,
              name
                  + ": ProgressDeadlineExceeded: "
                  + (c.getMessage() == null ? "the rollout stopped progressing" : c.getMessage()));
        }
      }
    }
    int want = replicas(workload);
    int atVersion = 0;
    int oldRunning = 0;
    int oldTerminating = 0;
    int newTerminating = 0;
    for (Pod pod : pods) {
      boolean terminating = pod.getMetadata().getDeletionTimestamp() != null;
      boolean ended =
          pod.getStatus() != null
              && ("Succeeded".equals(pod.getStatus().getPhase())
                  || "Failed".equals(pod.getStatus().getPhase()));
      boolean old = version(pod.getMetadata().getLabels()).map(v -> older(v, version)).orElse(true);
      if (old) {
        if (terminating) {
          oldTerminating++;
        } else if (!ended) {
          oldRunning++;
        }
      } else if (terminating) {
        newTerminating++;
      } else if (!ended && ready(pod)) {
        atVersion++;
      }
    }
    int updated;
    int available;
    if (workload instanceof Deployment d) {
      updated = d.getStatus() == null ? 0 : zero(d.getStatus().getUpdatedReplicas());
      available = d.getStatus() == null ? 0 : zero(d.getStatus().getAvailableReplicas());
    } else {
      StatefulSet s = (StatefulSet) workload;
      updated = s.getStatus() == null ? 0 : zero(s.getStatus().getUpdatedReplicas());
      available = s.getStatus() == null ? 0 : zero(s.getStatus().getReadyReplicas());
    }
    String counts =
        name
            + ": "
            + Math.min(atVersion, want)
            + "/"
            + want
            + (want == 1 ? " pod" : " pods")
            + " at "
            + version
            + (oldRunning > 0 ? ", " + oldRunning + " old " + plural(oldRunning) + " running" : "")
            + (oldTerminating > 0
                ? ", " + oldTerminating + " old " + plural(oldTerminating) + " terminating"
                : "")
            + (newTerminating > 0 ? ", " + newTerminating + " terminating" : "");
    boolean done =
        updated >= want
            && available >= want
            && atVersion >= want
            && oldRunning == 0
            && oldTerminating == 0;
    return done ? new State.Done(counts) : new State.Waiting(counts);
  }

  /** Whether {@code a} is older than {@code b}; unorderable versions are older unless equal. */
  static boolean older(String a, String b) {
    return Versions.compare(a, b).map(c -> c < 0).orElse(!a.equals(b));
  }

  private static int replicas(HasMetadata workload) {
    Integer r =
        workload instanceof Deployment d
            ? d.getSpec().getReplicas()
            : ((StatefulSet) workload).getSpec().getReplicas();
    return r == null ? 1 : r;
  }

  private static boolean ready(Pod pod) {
    return pod.getStatus() != null
        && pod.getStatus().getConditions() != null
        && pod.getStatus().getConditions().stream()
            .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  private static int zero(Integer value) {
    return value == null ? 0 : value;
  }

  private static String plural(int n) {
    return n == 1 ? "pod" : "pods";
  }
}
