package dev.kubemigrate.preflight;

import dev.kubemigrate.job.JobFactory;
import io.fabric8.kubernetes.api.model.ConfigMapKeySelector;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.LimitRange;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import io.fabric8.kubernetes.api.model.SecretKeySelector;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeProjection;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What must exist for a pod to start, and whether it does: pure, the cluster's answers are an
 * argument. Every Secret and ConfigMap that {@code env}, {@code envFrom} and volumes (projected
 * ones included) of every container and init container name, and each key they name, unless the
 * reference is optional; the service account; each image pull secret, and that it is of a registry
 * type; a named priority class; room in the namespace's ResourceQuotas within its LimitRanges
 * ({@link Capacity}); a node that can take the pod ({@link Placement}). All problems at once, each
 * with what to do.
 */
public final class PreflightRules {

  /** The kinds of object a pod refers to by name. */
  public enum Kind {
    SECRET("secret", "secrets"),
    CONFIG_MAP("configmap", "configmaps"),
    SERVICE_ACCOUNT("service account", "serviceaccounts"),
    PRIORITY_CLASS("priority class", "priorityclasses");

    private final String label;
    private final String resource;

    Kind(String label, String resource) {
      this.label = label;
      this.resource = resource;
    }

    public String label() {
      return label;
    }

    /** The API resource, as RBAC names it. */
    public String resource() {
      return resource;
    }
  }

  /** What the cluster says of one named object. */
  public sealed interface Lookup {
    /** It exists, with these keys (a Secret's or ConfigMap's) and this type (a Secret's). */
    record Present(Set<String> keys, String type) implements Lookup {}

    record Absent() implements Lookup {}

    /** The identity may not read it, or the server could not say: the check is skipped. */
    record Unknown(String why) implements Lookup {}
  }

  /** A list the cluster answers with, or why it could not (then the check is skipped). */
  public record Listing<T>(List<T> items, String unknown) {
    public static <T> Listing<T> of(List<T> items) {
      return new Listing<>(List.copyOf(items), null);
    }

    public static <T> Listing<T> unknown(String why) {
      return new Listing<>(null, why);
    }

    public boolean known() {
      return unknown == null;
    }
  }

  /**
   * Answers for the pre-flight; each object is asked for once. The lists default to a namespace
   * without quotas or LimitRanges, and nodes that could not be listed.
   */
  @FunctionalInterface
  public interface Cluster {
    Lookup lookup(Kind kind, String name);

    default Listing<ResourceQuota> quotas() {
      return Listing.of(List.of());
    }

    default Listing<LimitRange> limitRanges() {
      return Listing.of(List.of());
    }

    default Listing<Node> nodes() {
      return Listing.unknown("not asked");
    }
  }

  /**
   * The outcome: problems, each with what to do; the checks skipped for want of a verb; and
   * warnings, which do not stop the run.
   */
  public record Result(List<String> problems, Set<String> skipped, List<String> warnings) {
    public boolean ok() {
      return problems.isEmpty();
    }
  }

  private static final Set<String> REGISTRY_TYPES =
      Set.of("kubernetes.io/dockerconfigjson", "kubernetes.io/dockercfg");

  private PreflightRules() {}

  /**
   * Checks {@code pod} against the answers of {@code cluster}; {@code strict}: unknown is a
   * problem.
   */
  public static Result check(PodSpec pod, Cluster cluster, boolean strict) {
    List<String> problems = new ArrayList<>();
    Set<String> skipped = new TreeSet<>();
    Map<String, Lookup> asked = new HashMap<>();
    Cluster once =
        (kind, name) -> asked.computeIfAbsent(kind + "/" + name, k -> cluster.lookup(kind, name));
    Checker checker = new Checker(once, strict, problems, skipped);
    references(pod, checker);
    String priorityClass = pod.getPriorityClassName();
    if (priorityClass != null && !priorityClass.isBlank()) {
      checker.exists(Kind.PRIORITY_CLASS, priorityClass, false, "priorityClassName of the pod");
    }
    Listing<LimitRange> limitRanges = cluster.limitRanges();
    Listing<ResourceQuota> quotas = cluster.quotas();
    checker.listed("limitranges", limitRanges);
    checker.listed("resourcequotas", quotas);
    Capacity.check(
        pod,
        limitRanges.known() ? limitRanges.items() : List.of(),
        quotas.known() ? quotas.items() : List.of(),
        problems);
    Listing<Node> nodes = cluster.nodes();
    List<String> warnings = new ArrayList<>();
    if (nodes.known()) {
      // Nodes come and go: an autoscaler (cluster-autoscaler, Karpenter, Fargate) adds one for a
      // pod that none fits now. So a misfit stops the run only when strict; else it is said, and
      // the scheduler's Unschedulable ends the run after the startup grace if no node comes.
      Placement.check(pod, nodes.items(), strict ? problems : warnings);
    } else if (Placement.constrained(pod)) {
      // A pod that says nothing of where it runs would only be checked against taints: not worth a
      // line on every run of an identity that may not list nodes.
      checker.listed("nodes", nodes);
    }
    return new Result(
        List.copyOf(new LinkedHashSet<>(problems)), Set.copyOf(skipped), List.copyOf(warnings));
  }

  /** Every Secret, ConfigMap, service account and pull secret the pod names. */
  private static void references(PodSpec pod, Checker checker) {
    List<Container> containers = new ArrayList<>();
    if (pod.getInitContainers() != null) {
      containers.addAll(pod.getInitContainers());
    }
    if (pod.getContainers() != null) {
      containers.addAll(pod.getContainers());
    }
    for (Container c : containers) {
      String where = "container " + c.getName();
      for (EnvVar var : c.getEnv() == null ? List.<EnvVar>of() : c.getEnv()) {
        if (var.getValueFrom() == null) {
          continue;
        }
        SecretKeySelector s = var.getValueFrom().getSecretKeyRef();
        if (s != null) {
          checker.key(
              Kind.SECRET,
              s.getName(),
              s.getKey(),
              s.getOptional(),
              "env " + var.getName() + " of " + where);
        }
        ConfigMapKeySelector m = var.getValueFrom().getConfigMapKeyRef();
        if (m != null) {
          checker.key(
              Kind.CONFIG_MAP,
              m.getName(),
              m.getKey(),
              m.getOptional(),
              "env " + var.getName() + " of " + where);
        }
      }
      for (EnvFromSource from :
          c.getEnvFrom() == null ? List.<EnvFromSource>of() : c.getEnvFrom()) {
        if (from.getSecretRef() != null) {
          checker.exists(
              Kind.SECRET,
              from.getSecretRef().getName(),
              from.getSecretRef().getOptional(),
              "envFrom of " + where);
        }
        if (from.getConfigMapRef() != null) {
          checker.exists(
              Kind.CONFIG_MAP,
              from.getConfigMapRef().getName(),
              from.getConfigMapRef().getOptional(),
              "envFrom of " + where);
        }
      }
    }
    for (Volume v : pod.getVolumes() == null ? List.<Volume>of() : pod.getVolumes()) {
      if (JobFactory.START_ONCE_VOLUME.equals(v.getName())) {
        continue; // kubemigrate's own: the run's record, which its claim creates
      }
      String where = "volume " + v.getName();
      if (v.getSecret() != null) {
        checker.items(
            Kind.SECRET,
            v.getSecret().getSecretName(),
            v.getSecret().getItems(),
            v.getSecret().getOptional(),
            where);
      }
      if (v.getConfigMap() != null) {
        checker.items(
            Kind.CONFIG_MAP,
            v.getConfigMap().getName(),
            v.getConfigMap().getItems(),
            v.getConfigMap().getOptional(),
            where);
      }
      if (v.getProjected() != null && v.getProjected().getSources() != null) {
        for (VolumeProjection p : v.getProjected().getSources()) {
          if (p.getSecret() != null) {
            checker.items(
                Kind.SECRET,
                p.getSecret().getName(),
                p.getSecret().getItems(),
                p.getSecret().getOptional(),
                where);
          }
          if (p.getConfigMap() != null) {
            checker.items(
                Kind.CONFIG_MAP,
                p.getConfigMap().getName(),
                p.getConfigMap().getItems(),
                p.getConfigMap().getOptional(),
                where);
          }
        }
      }
    }
    String sa = pod.getServiceAccountName();
    if (sa != null && !sa.isBlank()) {
      checker.exists(Kind.SERVICE_ACCOUNT, sa, false, "serviceAccountName of the pod");
    }
    for (LocalObjectReference ref :
        pod.getImagePullSecrets() == null
            ? List.<LocalObjectReference>of()
            : pod.getImagePullSecrets()) {
      checker.pullSecret(ref.getName());
    }
  }

  /** The problems as one line: how many, then each. */
  public static String describe(Result result) {
    StringBuilder line =
        new StringBuilder("pre-flight found ")
            .append(result.problems().size())
            .append(result.problems().size() == 1 ? " problem" : " problems")
            .append(" before anything was created: ");
    for (int i = 0; i < result.problems().size(); i++) {
      line.append(i == 0 ? "" : "; ").append(i + 1).append(") ").append(result.problems().get(i));
    }
    return line.toString();
  }

  private record Checker(
      Cluster cluster, boolean strict, List<String> problems, Set<String> skipped) {

    /** The object, or null when it is absent (a problem unless optional) or unknown. */
    Lookup.Present present(Kind kind, String name, Boolean optional, String usedBy) {
      Lookup found = cluster.lookup(kind, name);
      if (found instanceof Lookup.Present present) {
        return present;
      }
      if (found instanceof Lookup.Unknown unknown) {
        if (strict) {
          problems.add(
              "cannot check "
                  + kind.label()
                  + " "
                  + name
                  + " ("
                  + usedBy
                  + "): "
                  + unknown.why()
                  + " (--preflight strict)");
        } else {
          skipped.add(kind.resource() + " (" + unknown.why() + ")");
        }
        return null;
      }
      if (!Boolean.TRUE.equals(optional)) {
        problems.add(
            kind.label()
                + " "
                + name
                + " ("
                + usedBy
                + ") does not exist: create it"
                + (kind == Kind.SERVICE_ACCOUNT || kind == Kind.PRIORITY_CLASS
                    ? ", or fix the name"
                    : ", or mark the reference optional"));
      }
      return null;
    }

    /** A list that could not be read: a problem in strict, else a skipped check. */
    void listed(String resource, Listing<?> listing) {
      if (listing.known()) {
        return;
      }
      if (strict) {
        problems.add(
            "cannot check " + resource + ": " + listing.unknown() + " (--preflight strict)");
      } else {
        skipped.add(resource + " (" + listing.unknown() + ")");
      }
    }

    void exists(Kind kind, String name, Boolean optional, String usedBy) {
      present(kind, name, optional, usedBy);
    }

    void key(Kind kind, String name, String key, Boolean optional, String usedBy) {
      Lookup.Present present = present(kind, name, optional, usedBy);
      if (present != null
          && key != null
          && !present.keys().contains(key)
          && !Boolean.TRUE.equals(optional)) {
        problems.add(
            kind.label()
                + " "
                + name
                + " has no key "
                + key
                + " ("
                + usedBy
                + "): add it, or fix the key; its keys: "
                + keys(present));
      }
    }

    void items(Kind kind, String name, List<KeyToPath> items, Boolean optional, String usedBy) {
      Lookup.Present present = present(kind, name, optional, usedBy);
      if (present == null || items == null || Boolean.TRUE.equals(optional)) {
        return;
      }
      for (KeyToPath item : items) {
        if (!present.keys().contains(item.getKey())) {
          problems.add(
              kind.label()
                  + " "
                  + name
                  + " has no key "
                  + item.getKey()
                  + " ("
                  + usedBy
                  + "): add it, or fix the item; its keys: "
                  + keys(present));
        }
      }
    }

    void pullSecret(String name) {
      Lookup.Present present = present(Kind.SECRET, name, false, "image pull secret");
      if (present != null && !REGISTRY_TYPES.contains(present.type())) {
        problems.add(
            "image pull secret "
                + name
                + " is of type "
                + present.type()
                + ", which the kubelet does not use to pull: create it with kubectl create secret"
                + " docker-registry");
      }
    }

    private static String keys(Lookup.Present present) {
      return present.keys().isEmpty() ? "none" : String.join(", ", new TreeSet<>(present.keys()));
    }
  }
}
