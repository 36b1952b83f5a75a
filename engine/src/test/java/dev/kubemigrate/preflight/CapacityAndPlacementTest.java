package dev.kubemigrate.preflight;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubemigrate.preflight.PreflightRules.Listing;
import dev.kubemigrate.preflight.PreflightRules.Lookup;
import io.fabric8.kubernetes.api.model.LimitRange;
import io.fabric8.kubernetes.api.model.LimitRangeBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import io.fabric8.kubernetes.api.model.ResourceQuotaBuilder;
import io.fabric8.kubernetes.api.model.Toleration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The pre-flight's quota, LimitRange, priority class and node checks, on objects as served. */
class CapacityAndPlacementTest {

  private static PreflightRules.Result check(
      PodSpec pod,
      List<ResourceQuota> quotas,
      List<LimitRange> limitRanges,
      Listing<Node> nodes,
      boolean strict) {
    return PreflightRules.check(
        pod,
        new PreflightRules.Cluster() {
          @Override
          public Lookup lookup(PreflightRules.Kind kind, String name) {
            return name.startsWith("missing")
                ? new Lookup.Absent()
                : new Lookup.Present(java.util.Set.of(), null);
          }

          @Override
          public Listing<ResourceQuota> quotas() {
            return Listing.of(quotas);
          }

          @Override
          public Listing<LimitRange> limitRanges() {
            return Listing.of(limitRanges);
          }

          @Override
          public Listing<Node> nodes() {
            return nodes;
          }
        },
        strict);
  }

  private static List<String> problems(PodSpec pod, List<ResourceQuota> q, List<LimitRange> lr) {
    return check(pod, q, lr, Listing.of(List.of(node("n1", Map.of()))), false).problems();
  }

  /** A pod with one container asking for {@code cpu} and {@code memory} (requests = limits). */
  private static PodSpec pod(String cpu, String memory) {
    PodSpecBuilder b = new PodSpecBuilder().addNewContainer().withName("migrate").endContainer();
    PodSpec pod = b.build();
    if (cpu != null || memory != null) {
      var resources = new io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder();
      if (cpu != null) {
        resources.addToRequests("cpu", new Quantity(cpu)).addToLimits("cpu", new Quantity(cpu));
      }
      if (memory != null) {
        resources
            .addToRequests("memory", new Quantity(memory))
            .addToLimits("memory", new Quantity(memory));
      }
      pod.getContainers().get(0).setResources(resources.build());
    }
    return pod;
  }

  private static ResourceQuota quota(
      String name, Map<String, String> hard, Map<String, String> used) {
    return new ResourceQuotaBuilder()
        .withNewMetadata()
        .withName(name)
        .endMetadata()
        .withNewSpec()
        .withHard(quantities(hard))
        .endSpec()
        .withNewStatus()
        .withHard(quantities(hard))
        .withUsed(quantities(used))
        .endStatus()
        .build();
  }

  private static Map<String, Quantity> quantities(Map<String, String> values) {
    java.util.Map<String, Quantity> map = new java.util.TreeMap<>();
    values.forEach((k, v) -> map.put(k, new Quantity(v)));
    return map;
  }

  private static Node node(String name, Map<String, String> labels, String... taints) {
    NodeBuilder b =
        new NodeBuilder().withNewMetadata().withName(name).withLabels(labels).endMetadata();
    var spec = b.withNewSpec();
    for (String t : taints) {
      // key=value:Effect
      String[] kv = t.split(":");
      String[] k = kv[0].split("=");
      spec.addNewTaint()
          .withKey(k[0])
          .withValue(k.length > 1 ? k[1] : null)
          .withEffect(kv[1])
          .endTaint();
    }
    return spec.endSpec().build();
  }

  @Nested
  class Quotas {

    @ParameterizedTest(name = "{0} hard {1}, used {2}: pod asking cpu {3}, memory {4} -> {5}")
    @CsvSource({
      "requests.memory, 1Gi, 900Mi, 100m, 256Mi, 'has no room for the pod''s requests.memory 256Mi: 900Mi of 1Gi in use'",
      "limits.cpu, 2, 1800m, 500m, 64Mi, 'has no room for the pod''s limits.cpu 500m: 1800m of 2 in use'",
      "memory, 512Mi, 0, 100m, 1Gi, 'has no room for the pod''s memory 1Gi: 0 of 512Mi in use'",
      "pods, 3, 3, 100m, 64Mi, 'allows 3 pods and 3 exist: no room for the pod'",
      "count/pods, 1, 1, 100m, 64Mi, 'allows 1 count/pods and 1 exist: no room for the pod'",
      "count/jobs.batch, 5, 5, 100m, 64Mi, 'allows 5 count/jobs.batch and 5 exist: no room for the Job: delete finished Jobs'",
    })
    @DisplayName("an exhausted quota is a problem that says what is in use and what the pod needs")
    void exhausted(String key, String hard, String used, String cpu, String memory, String says) {
      List<String> p =
          problems(
              pod(cpu, memory),
              List.of(quota("compute", Map.of(key, hard), Map.of(key, used))),
              List.of());
      assertThat(p).hasSize(1);
      assertThat(p.get(0)).startsWith("ResourceQuota compute ").contains(says);
    }

    @ParameterizedTest(name = "{0} hard {1}, used {2}")
    @CsvSource({
      "requests.memory, 1Gi, 768Mi", // exactly full after the pod: fits
      "limits.cpu, 2, 0",
      "pods, 10, 9",
      "count/jobs.batch, 5, 0",
    })
    @DisplayName("a quota with room passes, up to the last unit")
    void room(String key, String hard, String used) {
      assertThat(
              problems(
                  pod("500m", "256Mi"),
                  List.of(quota("compute", Map.of(key, hard), Map.of(key, used))),
                  List.of()))
          .isEmpty();
    }

    @Test
    @DisplayName(
        "a compute quota and a pod without requests or defaults: the quota would refuse it")
    void unsetUnderQuota() {
      List<String> p =
          problems(
              pod(null, null),
              List.of(
                  quota("compute", Map.of("requests.cpu", "4", "limits.memory", "8Gi"), Map.of())),
              List.of());
      assertThat(p)
          .singleElement()
          .asString()
          .contains(
              "limits requests.cpu (container migrate), limits.memory (container migrate), which a"
                  + " container does not set and no LimitRange defaults");
    }

    @Test
    @DisplayName(
        "LimitRange defaults fill what the container leaves out, before the quota counts it")
    void limitRangeDefaultsCount() {
      LimitRange defaults =
          new LimitRangeBuilder()
              .withNewMetadata()
              .withName("defaults")
              .endMetadata()
              .withNewSpec()
              .addNewLimit()
              .withType("Container")
              .withDefault(quantities(Map.of("cpu", "1", "memory", "512Mi")))
              .withDefaultRequest(quantities(Map.of("cpu", "250m", "memory", "512Mi")))
              .endLimit()
              .endSpec()
              .build();
      ResourceQuota q =
          quota(
              "compute",
              Map.of("requests.memory", "1Gi", "limits.cpu", "2"),
              Map.of("requests.memory", "768Mi", "limits.cpu", "0"));
      List<String> p = problems(pod(null, null), List.of(q), List.of(defaults));
      assertThat(p)
          .singleElement()
          .asString()
          .contains("requests.memory 512Mi: 768Mi of 1Gi in use");
    }

    @Test
    @DisplayName(
        "a quota scoped to Terminating pods, or to another priority class, leaves the pod alone")
    void scopes() {
      ResourceQuota terminating = quota("t", Map.of("pods", "0"), Map.of("pods", "0"));
      terminating.getSpec().setScopes(List.of("Terminating"));
      ResourceQuota notTerminating = quota("nt", Map.of("pods", "0"), Map.of("pods", "0"));
      notTerminating.getSpec().setScopes(List.of("NotTerminating"));
      ResourceQuota high = quota("high", Map.of("pods", "0"), Map.of("pods", "0"));
      high.getSpec()
          .setScopeSelector(
              new io.fabric8.kubernetes.api.model.ScopeSelectorBuilder()
                  .addNewMatchExpression()
                  .withScopeName("PriorityClass")
                  .withOperator("In")
                  .withValues("high")
                  .endMatchExpression()
                  .build());
      assertThat(problems(pod("100m", "64Mi"), List.of(terminating, high), List.of())).isEmpty();
      assertThat(problems(pod("100m", "64Mi"), List.of(notTerminating), List.of()))
          .singleElement()
          .asString()
          .startsWith("ResourceQuota nt allows 0 pods");
      // scoped quotas count pods only, never the Job object
      ResourceQuota jobs = quota("jobs", Map.of("count/jobs.batch", "0"), Map.of());
      jobs.getSpec().setScopes(List.of("Terminating"));
      assertThat(problems(pod("100m", "64Mi"), List.of(jobs), List.of())).isEmpty();
    }

    @Test
    @DisplayName("an init container larger than the containers sets the pod's need")
    void initContainers() {
      PodSpec pod = pod("100m", "64Mi");
      pod.setInitContainers(List.of(pod("100m", "2Gi").getContainers().get(0)));
      pod.getInitContainers().get(0).setName("wait");
      assertThat(
              problems(
                  pod, List.of(quota("q", Map.of("requests.memory", "1Gi"), Map.of())), List.of()))
          .singleElement()
          .asString()
          .contains("requests.memory 2Gi");
    }
  }

  @Nested
  class LimitRanges {

    private LimitRange range(String type, Map<String, String> min, Map<String, String> max) {
      return new LimitRangeBuilder()
          .withNewMetadata()
          .withName("bounds")
          .endMetadata()
          .withNewSpec()
          .addNewLimit()
          .withType(type)
          .withMin(quantities(min))
          .withMax(quantities(max))
          .endLimit()
          .endSpec()
          .build();
    }

    @ParameterizedTest(name = "{0}: cpu {1}, memory {2}")
    @CsvSource({
      "Container, 2, 64Mi, 'LimitRange bounds allows cpu up to 1 for a container; container migrate asks 2'",
      "Container, 100m, 8Gi, 'LimitRange bounds allows memory up to 2Gi for a container; container migrate asks 8Gi'",
      "Container, 5m, 64Mi, 'LimitRange bounds wants cpu of at least 10m; container migrate requests 5m'",
      "Pod, 2, 64Mi, 'LimitRange bounds allows cpu up to 1 for a pod; the pod asks 2'",
    })
    @DisplayName("a request or limit outside a LimitRange's bounds is a problem")
    void outside(String type, String cpu, String memory, String says) {
      LimitRange lr = range(type, Map.of("cpu", "10m"), Map.of("cpu", "1", "memory", "2Gi"));
      assertThat(problems(pod(cpu, memory), List.of(), List.of(lr)))
          .singleElement()
          .asString()
          .contains(says);
    }

    @Test
    @DisplayName("inside the bounds passes; a maximum with no limit set is a problem")
    void inside() {
      LimitRange lr = range("Container", Map.of("cpu", "10m"), Map.of("cpu", "1", "memory", "2Gi"));
      assertThat(problems(pod("500m", "1Gi"), List.of(), List.of(lr))).isEmpty();
      assertThat(problems(pod(null, null), List.of(), List.of(lr)))
          .hasSize(2)
          .allSatisfy(p -> assertThat(p).contains("sets no"));
    }
  }

  @Nested
  class Nodes {

    /**
     * In strict, a pod no node takes is a problem; in auto, a warning (an autoscaler may add one).
     */
    private List<String> problems(PodSpec pod, Node... nodes) {
      PreflightRules.Result auto =
          check(pod, List.of(), List.of(), Listing.of(List.of(nodes)), false);
      PreflightRules.Result strict =
          check(pod, List.of(), List.of(), Listing.of(List.of(nodes)), true);
      assertThat(auto.problems()).isEmpty();
      assertThat(auto.warnings()).isEqualTo(strict.problems());
      return strict.problems();
    }

    @Test
    @DisplayName("a cluster without nodes: a warning, for an autoscaler may add one")
    void noNodes() {
      assertThat(problems(pod("100m", "64Mi")))
          .singleElement()
          .asString()
          .startsWith("the cluster has no nodes now");
    }

    @Test
    @DisplayName("a pod that one node of several can take passes")
    void oneFits() {
      PodSpec pod = pod("100m", "64Mi");
      pod.setNodeSelector(Map.of("disktype", "ssd"));
      assertThat(
              problems(
                  pod, node("a", Map.of("disktype", "hdd")), node("b", Map.of("disktype", "ssd"))))
          .isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
        delimiter = '|',
        value = {
          "selector  | disktype=ssd | | | a lacks label disktype=ssd (has hdd)",
          "taint     | | dedicated=db:NoSchedule | | a has taint dedicated=db:NoSchedule that the pod does not tolerate",
          "noexecute | | gpu:NoExecute | | a has taint gpu:NoExecute that the pod does not tolerate",
          "wrongtol  | | dedicated=db:NoSchedule | dedicated=web | a has taint dedicated=db:NoSchedule",
        })
    @DisplayName("no node can take the pod: the problem says why for each node")
    void noneFits(String name, String selector, String taint, String toleration, String says) {
      PodSpec pod = pod("100m", "64Mi");
      if (selector != null) {
        String[] kv = selector.split("=");
        pod.setNodeSelector(Map.of(kv[0], kv[1]));
      }
      if (toleration != null) {
        String[] kv = toleration.split("=");
        pod.setTolerations(List.of(new Toleration(null, kv[0], "Equal", null, kv[1])));
      }
      Node a =
          taint == null
              ? node("a", Map.of("disktype", "hdd"))
              : node("a", Map.of("disktype", "hdd"), taint);
      assertThat(problems(pod, a))
          .singleElement()
          .asString()
          .startsWith("no node of 1 can take the pod (")
          .contains(says)
          .endsWith("or label a node to match, unless an autoscaler adds one that does");
    }

    @Test
    @DisplayName(
        "tolerations: Exists with no key tolerates all, Equal needs key and value, PreferNoSchedule never repels")
    void tolerations() {
      PodSpec all = pod("100m", "64Mi");
      all.setTolerations(List.of(new Toleration(null, null, "Exists", null, null)));
      assertThat(problems(all, node("a", Map.of(), "x=y:NoSchedule", "gpu:NoExecute"))).isEmpty();
      PodSpec exact = pod("100m", "64Mi");
      exact.setTolerations(List.of(new Toleration("NoSchedule", "x", "Equal", null, "y")));
      assertThat(problems(exact, node("a", Map.of(), "x=y:NoSchedule"))).isEmpty();
      assertThat(problems(pod("100m", "64Mi"), node("a", Map.of(), "soft:PreferNoSchedule")))
          .isEmpty();
    }

    @Test
    @DisplayName("a cordoned node takes no pod; required node affinity is matched term by term")
    void cordonAndAffinity() {
      Node cordoned = node("a", Map.of("zone", "z1"));
      cordoned.getSpec().setUnschedulable(true);
      assertThat(problems(pod("100m", "64Mi"), cordoned))
          .singleElement()
          .asString()
          .contains("a is cordoned");
      PodSpec pod = pod("100m", "64Mi");
      pod.setAffinity(
          new io.fabric8.kubernetes.api.model.AffinityBuilder()
              .withNewNodeAffinity()
              .withNewRequiredDuringSchedulingIgnoredDuringExecution()
              .addNewNodeSelectorTerm()
              .addNewMatchExpression()
              .withKey("zone")
              .withOperator("In")
              .withValues("z2", "z3")
              .endMatchExpression()
              .endNodeSelectorTerm()
              .addNewNodeSelectorTerm()
              .addNewMatchExpression()
              .withKey("cores")
              .withOperator("Gt")
              .withValues("8")
              .endMatchExpression()
              .endNodeSelectorTerm()
              .endRequiredDuringSchedulingIgnoredDuringExecution()
              .endNodeAffinity()
              .build());
      assertThat(problems(pod, node("a", Map.of("zone", "z1", "cores", "4"))))
          .singleElement()
          .asString()
          .contains("a matches no term of the required node affinity");
      assertThat(problems(pod, node("a", Map.of("zone", "z1", "cores", "16")))).isEmpty();
      assertThat(problems(pod, node("a", Map.of("zone", "z3")))).isEmpty();
    }

    @Test
    @DisplayName(
        "nodes that may not be listed: skipped, and said, only for a pod that says where it runs")
    void unknownNodes() {
      Listing<Node> forbidden = Listing.unknown("no permission to list nodes");
      assertThat(check(pod("100m", "64Mi"), List.of(), List.of(), forbidden, false).skipped())
          .isEmpty();
      PodSpec pinned = pod("100m", "64Mi");
      pinned.setNodeSelector(Map.of("disktype", "ssd"));
      assertThat(check(pinned, List.of(), List.of(), forbidden, false).skipped())
          .containsExactly("nodes (no permission to list nodes)");
      assertThat(check(pinned, List.of(), List.of(), forbidden, true).problems())
          .containsExactly("cannot check nodes: no permission to list nodes (--preflight strict)");
    }
  }

  @Test
  @DisplayName("a named priority class must exist")
  void priorityClass() {
    PodSpec pod = pod("100m", "64Mi");
    pod.setPriorityClassName("missing-high");
    assertThat(problems(pod, List.of(), List.of()))
        .singleElement()
        .asString()
        .isEqualTo(
            "priority class missing-high (priorityClassName of the pod) does not exist: create it, or fix the name");
    pod.setPriorityClassName("high");
    assertThat(problems(pod, List.of(), List.of())).isEmpty();
  }

  @Test
  @DisplayName("quantities print the way users write them")
  void format() {
    assertThat(Capacity.format("cpu", new Quantity("1500m").getNumericalAmount()))
        .isEqualTo("1500m");
    assertThat(Capacity.format("cpu", new Quantity("2").getNumericalAmount())).isEqualTo("2");
    assertThat(Capacity.format("memory", new Quantity("2Gi").getNumericalAmount()))
        .isEqualTo("2Gi");
    assertThat(Capacity.format("memory", new Quantity("300Mi").getNumericalAmount()))
        .isEqualTo("300Mi");
    assertThat(Capacity.format("memory", new Quantity("1000").getNumericalAmount()))
        .isEqualTo("1000");
  }
}
