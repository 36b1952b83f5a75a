package dev.kubemigrate.preflight;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirement;
import io.fabric8.kubernetes.api.model.NodeSelectorTerm;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.Toleration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Whether at least one node can take the pod: it is schedulable, carries the labels of the node
 * selector, matches one term of the required node affinity, and every taint that keeps pods off
 * ({@code NoSchedule}, {@code NoExecute}) is tolerated. Pure; the scheduler's own predicates for
 * these fields (NodeName, NodeUnschedulable, NodeAffinity, TaintToleration), not its scoring, and
 * not resources: a node that is full now may not be in a minute.
 */
final class Placement {

  private static final int EXPLAINED = 3;

  private Placement() {}

  /** Whether the pod says where it may run: only then is a skipped node check worth saying. */
  static boolean constrained(PodSpec pod) {
    return (pod.getNodeSelector() != null && !pod.getNodeSelector().isEmpty())
        || required(pod) != null
        || (pod.getNodeName() != null && !pod.getNodeName().isEmpty());
  }

  static void check(PodSpec pod, List<Node> nodes, List<String> problems) {
    if (nodes.isEmpty()) {
      problems.add(
          "the cluster has no nodes now: the pod runs only once one joins (an autoscaler may add"
              + " one)");
      return;
    }
    List<String> why = new ArrayList<>();
    for (Node node : nodes) {
      Optional<String> misfit = misfit(pod, node);
      if (misfit.isEmpty()) {
        return;
      }
      if (why.size() < EXPLAINED) {
        why.add(node.getMetadata().getName() + " " + misfit.get());
      }
    }
    problems.add(
        "no node of "
            + nodes.size()
            + " can take the pod ("
            + String.join("; ", why)
            + (nodes.size() > EXPLAINED ? "; …" : "")
            + "): fix --node-selector, --toleration or the pod template's affinity, or label a node"
            + " to match, unless an autoscaler adds one that does");
  }

  /** Why the node cannot take the pod, or empty when it can. */
  static Optional<String> misfit(PodSpec pod, Node node) {
    String name = node.getMetadata().getName();
    if (pod.getNodeName() != null && !pod.getNodeName().isEmpty()) {
      if (!pod.getNodeName().equals(name)) {
        return Optional.of("is not nodeName " + pod.getNodeName());
      }
    }
    Map<String, String> labels =
        node.getMetadata().getLabels() == null ? Map.of() : node.getMetadata().getLabels();
    if (pod.getNodeSelector() != null) {
      for (Map.Entry<String, String> e : pod.getNodeSelector().entrySet()) {
        if (!e.getValue().equals(labels.get(e.getKey()))) {
          return Optional.of(
              "lacks label "
                  + e.getKey()
                  + "="
                  + e.getValue()
                  + (labels.containsKey(e.getKey())
                      ? " (has " + labels.get(e.getKey()) + ")"
                      : ""));
        }
      }
    }
    List<NodeSelectorTerm> terms = required(pod);
    if (terms != null && terms.stream().noneMatch(t -> matches(t, name, labels))) {
      return Optional.of("matches no term of the required node affinity");
    }
    List<Toleration> tolerations = pod.getTolerations() == null ? List.of() : pod.getTolerations();
    if (node.getSpec() != null && Boolean.TRUE.equals(node.getSpec().getUnschedulable())) {
      Taint cordon = new Taint("NoSchedule", "node.kubernetes.io/unschedulable", null, null);
      if (tolerations.stream().noneMatch(t -> tolerates(t, cordon))) {
        return Optional.of("is cordoned (unschedulable)");
      }
    }
    if (node.getSpec() != null && node.getSpec().getTaints() != null) {
      for (Taint taint : node.getSpec().getTaints()) {
        boolean repels =
            "NoSchedule".equals(taint.getEffect()) || "NoExecute".equals(taint.getEffect());
        if (repels && tolerations.stream().noneMatch(t -> tolerates(t, taint))) {
          return Optional.of(
              "has taint "
                  + taint.getKey()
                  + (taint.getValue() == null || taint.getValue().isEmpty()
                      ? ""
                      : "=" + taint.getValue())
                  + ":"
                  + taint.getEffect()
                  + " that the pod does not tolerate");
        }
      }
    }
    return Optional.empty();
  }

  private static List<NodeSelectorTerm> required(PodSpec pod) {
    if (pod.getAffinity() == null
        || pod.getAffinity().getNodeAffinity() == null
        || pod.getAffinity().getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution()
            == null) {
      return null;
    }
    List<NodeSelectorTerm> terms =
        pod.getAffinity()
            .getNodeAffinity()
            .getRequiredDuringSchedulingIgnoredDuringExecution()
            .getNodeSelectorTerms();
    return terms == null || terms.isEmpty() ? null : terms;
  }

  /** One term: all of its expressions and fields hold; a term with none matches no node. */
  private static boolean matches(NodeSelectorTerm term, String name, Map<String, String> labels) {
    List<NodeSelectorRequirement> exprs =
        term.getMatchExpressions() == null ? List.of() : term.getMatchExpressions();
    List<NodeSelectorRequirement> fields =
        term.getMatchFields() == null ? List.of() : term.getMatchFields();
    if (exprs.isEmpty() && fields.isEmpty()) {
      return false;
    }
    for (NodeSelectorRequirement r : exprs) {
      if (!holds(r, labels.get(r.getKey()), labels.containsKey(r.getKey()))) {
        return false;
      }
    }
    for (NodeSelectorRequirement r : fields) {
      if (!"metadata.name".equals(r.getKey()) || !holds(r, name, true)) {
        return false;
      }
    }
    return true;
  }

  private static boolean holds(NodeSelectorRequirement r, String value, boolean present) {
    List<String> values = r.getValues() == null ? List.of() : r.getValues();
    return switch (r.getOperator()) {
      case "In" -> present && values.contains(value);
      case "NotIn" -> !present || !values.contains(value);
      case "Exists" -> present;
      case "DoesNotExist" -> !present;
      case "Gt", "Lt" -> {
        if (!present || values.size() != 1) {
          yield false;
        }
        try {
          long have = Long.parseLong(value);
          long want = Long.parseLong(values.get(0));
          yield r.getOperator().equals("Gt") ? have > want : have < want;
        } catch (NumberFormatException e) {
          yield false;
        }
      }
      default -> false;
    };
  }

  /** Kubernetes' Toleration.ToleratesTaint. */
  static boolean tolerates(Toleration t, Taint taint) {
    if (t.getEffect() != null
        && !t.getEffect().isEmpty()
        && !t.getEffect().equals(taint.getEffect())) {
      return false;
    }
    if (t.getKey() != null && !t.getKey().isEmpty() && !t.getKey().equals(taint.getKey())) {
      return false;
    }
    String op = t.getOperator() == null || t.getOperator().isEmpty() ? "Equal" : t.getOperator();
    if (op.equals("Exists")) {
      return true;
    }
    String want = t.getValue() == null ? "" : t.getValue();
    String have = taint.getValue() == null ? "" : taint.getValue();
    return op.equals("Equal") && (t.getKey() != null && !t.getKey().isEmpty()) && want.equals(have);
  }
}
