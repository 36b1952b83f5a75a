package dev.kubemigrate.preflight;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.LimitRange;
import io.fabric8.kubernetes.api.model.LimitRangeItem;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import io.fabric8.kubernetes.api.model.ScopedResourceSelectorRequirement;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Whether the namespace has room for the Job's pod: its requests and limits as the API server will
 * see them (a limit without a request is also the request; a LimitRange's defaults fill what the
 * container leaves out), against each LimitRange's per-container and per-pod minimum and maximum,
 * and against each ResourceQuota that applies to the pod (its scopes and scope selector) or to the
 * Job. Pure. The rules are the admission plugins' (LimitRanger, ResourceQuota) as of Kubernetes
 * 1.20–1.35; quantities it does not know (extended resources, ephemeral storage) are left to them.
 */
final class Capacity {

  private static final List<String> RESOURCES = List.of("cpu", "memory");

  private Capacity() {}

  /** The pod's requests and limits, per resource, once LimitRange defaults are applied. */
  /**
   * @param unsetRequests per resource, the containers (init containers included) that request none
   *     of it once defaults are applied; {@code unsetLimits} the same for limits
   */
  record Needs(
      Map<String, BigDecimal> requests,
      Map<String, BigDecimal> limits,
      boolean anySet,
      Map<String, List<String>> unsetRequests,
      Map<String, List<String>> unsetLimits) {
    BigDecimal request(String resource) {
      return requests.get(resource);
    }

    BigDecimal limit(String resource) {
      return limits.get(resource);
    }
  }

  static void check(
      PodSpec pod,
      List<LimitRange> limitRanges,
      List<ResourceQuota> quotas,
      List<String> problems) {
    Needs needs = needs(pod, limitRanges, problems);
    for (ResourceQuota quota : quotas) {
      quota(quota, pod, needs, problems);
    }
  }

  private static Needs needs(PodSpec pod, List<LimitRange> limitRanges, List<String> problems) {
    Map<String, BigDecimal> sumRequests = new HashMap<>();
    Map<String, BigDecimal> sumLimits = new HashMap<>();
    Map<String, BigDecimal> initRequests = new HashMap<>();
    Map<String, BigDecimal> initLimits = new HashMap<>();
    boolean anySet = false;
    Map<String, List<String>> unsetRequests = new HashMap<>();
    Map<String, List<String>> unsetLimits = new HashMap<>();
    for (boolean init : new boolean[] {true, false}) {
      List<Container> list = init ? pod.getInitContainers() : pod.getContainers();
      for (Container c : list == null ? List.<Container>of() : list) {
        Map<String, BigDecimal> requests = new HashMap<>();
        Map<String, BigDecimal> limits = new HashMap<>();
        for (String r : RESOURCES) {
          BigDecimal limit =
              amount(c.getResources() == null ? null : c.getResources().getLimits(), r);
          BigDecimal request =
              amount(c.getResources() == null ? null : c.getResources().getRequests(), r);
          if (request == null) {
            request = limit;
          }
          for (LimitRange lr : limitRanges) {
            for (LimitRangeItem item : items(lr, "Container")) {
              if (limit == null) {
                limit = amount(item.getDefault(), r);
              }
              if (request == null) {
                request = amount(item.getDefaultRequest(), r);
              }
            }
          }
          if (request != null) {
            requests.put(r, request);
          } else {
            unsetRequests.computeIfAbsent(r, k -> new ArrayList<>()).add(c.getName());
          }
          if (limit != null) {
            limits.put(r, limit);
          } else {
            unsetLimits.computeIfAbsent(r, k -> new ArrayList<>()).add(c.getName());
          }
          for (LimitRange lr : limitRanges) {
            for (LimitRangeItem item : items(lr, "Container")) {
              bounds(lr, item, "container " + c.getName(), r, request, limit, problems);
            }
          }
        }
        anySet |= !requests.isEmpty() || !limits.isEmpty();
        if (init) {
          requests.forEach((r, q) -> initRequests.merge(r, q, BigDecimal::max));
          limits.forEach((r, q) -> initLimits.merge(r, q, BigDecimal::max));
        } else {
          requests.forEach((r, q) -> sumRequests.merge(r, q, BigDecimal::add));
          limits.forEach((r, q) -> sumLimits.merge(r, q, BigDecimal::add));
        }
      }
    }
    // A pod needs the larger of its containers together and its largest init container.
    initRequests.forEach((r, q) -> sumRequests.merge(r, q, BigDecimal::max));
    initLimits.forEach((r, q) -> sumLimits.merge(r, q, BigDecimal::max));
    for (String r : RESOURCES) {
      for (LimitRange lr : limitRanges) {
        for (LimitRangeItem item : items(lr, "Pod")) {
          bounds(lr, item, "the pod", r, sumRequests.get(r), sumLimits.get(r), problems);
        }
      }
    }
    return new Needs(sumRequests, sumLimits, anySet, unsetRequests, unsetLimits);
  }

  private static void bounds(
      LimitRange lr,
      LimitRangeItem item,
      String who,
      String r,
      BigDecimal request,
      BigDecimal limit,
      List<String> problems) {
    BigDecimal max = amount(item.getMax(), r);
    BigDecimal min = amount(item.getMin(), r);
    String name = lr.getMetadata().getName();
    if (max != null && (limit == null || limit.compareTo(max) > 0)) {
      problems.add(
          "LimitRange "
              + name
              + " allows "
              + r
              + " up to "
              + item.getMax().get(r)
              + " for "
              + (who.equals("the pod") ? "a pod" : "a container")
              + "; "
              + who
              + (limit == null ? " sets no " + r + " limit" : " asks " + format(r, limit))
              + ": "
              + fix(r));
    }
    if (min != null && request != null && request.compareTo(min) < 0) {
      problems.add(
          "LimitRange "
              + name
              + " wants "
              + r
              + " of at least "
              + item.getMin().get(r)
              + "; "
              + who
              + " requests "
              + format(r, request)
              + ": "
              + fix(r));
    }
  }

  private static void quota(ResourceQuota quota, PodSpec pod, Needs needs, List<String> problems) {
    if (quota.getStatus() == null || quota.getStatus().getHard() == null) {
      return; // not yet counted by the quota controller: admission decides
    }
    Map<String, Quantity> hard = quota.getStatus().getHard();
    Map<String, Quantity> used =
        quota.getStatus().getUsed() == null ? Map.of() : quota.getStatus().getUsed();
    String name = quota.getMetadata().getName();
    boolean scoped =
        (quota.getSpec() != null
                && quota.getSpec().getScopes() != null
                && !quota.getSpec().getScopes().isEmpty())
            || (quota.getSpec() != null
                && quota.getSpec().getScopeSelector() != null
                && quota.getSpec().getScopeSelector().getMatchExpressions() != null
                && !quota.getSpec().getScopeSelector().getMatchExpressions().isEmpty());
    if (!scoped) {
      count(name, hard, used, "count/jobs.batch", "Job", problems);
    }
    if (!appliesTo(quota, pod, needs)) {
      return;
    }
    count(name, hard, used, "pods", "pod", problems);
    count(name, hard, used, "count/pods", "pod", problems);
    List<String> unset = new ArrayList<>();
    for (String r : RESOURCES) {
      for (String key : List.of("requests." + r, r, "limits." + r)) {
        Quantity limitQ = hard.get(key);
        if (limitQ == null) {
          continue;
        }
        // The quota's admission wants every container to set what it limits, not only the pod.
        List<String> lacking =
            (key.startsWith("limits.") ? needs.unsetLimits() : needs.unsetRequests())
                .getOrDefault(r, List.of());
        if (!lacking.isEmpty()) {
          unset.add(key + " (container " + String.join(", ", lacking) + ")");
          continue;
        }
        BigDecimal need = key.startsWith("limits.") ? needs.limit(r) : needs.request(r);
        if (need == null) {
          continue;
        }
        BigDecimal in = amount(used, key);
        BigDecimal now = in == null ? BigDecimal.ZERO : in;
        if (now.add(need).compareTo(limitQ.getNumericalAmount()) > 0) {
          problems.add(
              "ResourceQuota "
                  + name
                  + " has no room for the pod's "
                  + key
                  + " "
                  + format(r, need)
                  + ": "
                  + (in == null ? "0" : used.get(key))
                  + " of "
                  + limitQ
                  + " in use: raise the quota, wait for running pods to end, or ask for less"
                  + " (--cpu, --memory)");
        }
      }
    }
    if (!unset.isEmpty()) {
      problems.add(
          "ResourceQuota "
              + name
              + " limits "
              + String.join(", ", unset)
              + ", which a container does not set and no LimitRange defaults: set --cpu and"
              + " --memory (the migration's container), resources in the pod template (others), or"
              + " add a LimitRange with defaults");
    }
  }

  private static void count(
      String quota,
      Map<String, Quantity> hard,
      Map<String, Quantity> used,
      String key,
      String what,
      List<String> problems) {
    Quantity max = hard.get(key);
    if (max == null) {
      return;
    }
    BigDecimal in = amount(used, key);
    BigDecimal now = in == null ? BigDecimal.ZERO : in;
    if (now.add(BigDecimal.ONE).compareTo(max.getNumericalAmount()) > 0) {
      problems.add(
          "ResourceQuota "
              + quota
              + " allows "
              + max
              + " "
              + key
              + " and "
              + now.stripTrailingZeros().toPlainString()
              + " exist: no room for the "
              + what
              + (what.equals("Job")
                  ? ": delete finished Jobs (or shorten --ttl), or raise the quota"
                  : ": wait for running pods to end, or raise the quota"));
    }
  }

  /** Whether the quota's scopes take the pod in (Kubernetes' quota evaluator for pods). */
  private static boolean appliesTo(ResourceQuota quota, PodSpec pod, Needs needs) {
    if (quota.getSpec() == null) {
      return true;
    }
    if (quota.getSpec().getScopes() != null) {
      for (String scope : quota.getSpec().getScopes()) {
        if (!scope(scope, "Exists", List.of(), pod, needs)) {
          return false;
        }
      }
    }
    if (quota.getSpec().getScopeSelector() != null
        && quota.getSpec().getScopeSelector().getMatchExpressions() != null) {
      for (ScopedResourceSelectorRequirement req :
          quota.getSpec().getScopeSelector().getMatchExpressions()) {
        if (!scope(
            req.getScopeName(),
            req.getOperator(),
            req.getValues() == null ? List.of() : req.getValues(),
            pod,
            needs)) {
          return false;
        }
      }
    }
    return true;
  }

  private static boolean scope(
      String scope, String operator, List<String> values, PodSpec pod, Needs needs) {
    boolean in =
        switch (scope) {
          case "Terminating" -> pod.getActiveDeadlineSeconds() != null;
          case "NotTerminating" -> pod.getActiveDeadlineSeconds() == null;
          case "BestEffort" -> !needs.anySet();
          case "NotBestEffort" -> needs.anySet();
          case "PriorityClass" -> {
            String pc = pod.getPriorityClassName();
            yield switch (operator) {
              case "In" -> pc != null && values.contains(pc);
              case "NotIn" -> pc == null || !values.contains(pc);
              case "Exists" -> pc != null && !pc.isEmpty();
              case "DoesNotExist" -> pc == null || pc.isEmpty();
              default -> false;
            };
          }
          // CrossNamespacePodAffinity: kubemigrate's pods set no pod affinity of their own.
          default -> false;
        };
    if (scope.equals("PriorityClass")) {
      return in;
    }
    return operator.equals("DoesNotExist") ? !in : in;
  }

  private static List<LimitRangeItem> items(LimitRange lr, String type) {
    if (lr.getSpec() == null || lr.getSpec().getLimits() == null) {
      return List.of();
    }
    return lr.getSpec().getLimits().stream().filter(i -> type.equals(i.getType())).toList();
  }

  private static BigDecimal amount(Map<String, Quantity> map, String key) {
    if (map == null) {
      return null;
    }
    Quantity q = map.get(key);
    return q == null ? null : q.getNumericalAmount();
  }

  private static String fix(String resource) {
    return "ask for "
        + (resource.equals("cpu") ? "other --cpu" : "other --memory")
        + ", or change the LimitRange";
  }

  /** A quantity as a user writes it: cores or millicores; Mi or Gi when whole, else bytes. */
  static String format(String resource, BigDecimal amount) {
    if (resource.equals("cpu")) {
      BigDecimal milli = amount.multiply(BigDecimal.valueOf(1000));
      return milli.remainder(BigDecimal.valueOf(1000)).signum() == 0
          ? amount.stripTrailingZeros().toPlainString()
          : milli.setScale(0, RoundingMode.CEILING).toPlainString() + "m";
    }
    BigDecimal gi = BigDecimal.valueOf(1L << 30);
    BigDecimal mi = BigDecimal.valueOf(1L << 20);
    if (amount.remainder(gi).signum() == 0) {
      return amount.divide(gi).toPlainString() + "Gi";
    }
    if (amount.remainder(mi).signum() == 0) {
      return amount.divide(mi).toPlainString() + "Mi";
    }
    return amount.stripTrailingZeros().toPlainString();
  }
}
