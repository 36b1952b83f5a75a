package dev.kubemigrate.preflight;

import dev.kubemigrate.api.MigrationSpec;
import dev.kubemigrate.job.JobFactory;
import dev.kubemigrate.kube.SharedCache;
import dev.kubemigrate.kube.SharedReads;
import dev.kubemigrate.preflight.PreflightRules.Kind;
import dev.kubemigrate.preflight.PreflightRules.Listing;
import dev.kubemigrate.preflight.PreflightRules.Lookup;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LimitRange;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.scheduling.v1.PriorityClass;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.function.Supplier;

/**
 * Asks the API server what {@link PreflightRules} needs: one GET per named object, each at most
 * once, and one list each of the namespace's ResourceQuotas and LimitRanges and of the nodes. A
 * Secret is read for its key names and type only: its values never leave this method. A verb the
 * identity lacks is an {@link Lookup.Unknown}, never an error.
 */
public final class Preflight {

  private Preflight() {}

  /** Checks the pod of the Job that {@code spec}'s {@code attempt} makes in {@code namespace}. */
  public static PreflightRules.Result check(
      KubernetesClient client, String namespace, MigrationSpec spec, int attempt, boolean strict) {
    return check(client, SharedReads.NONE, namespace, spec, attempt, strict);
  }

  /**
   * The same, reading the quotas, LimitRanges and nodes from {@code reads} where it keeps them (the
   * operator's informers; admission and the scheduler still decide, so a cache that lags a watch
   * event is good enough).
   */
  public static PreflightRules.Result check(
      KubernetesClient client,
      SharedReads reads,
      String namespace,
      MigrationSpec spec,
      int attempt,
      boolean strict) {
    PodSpec pod =
        new JobFactory().build(spec, namespace, attempt).getSpec().getTemplate().getSpec();
    return check(client, reads, namespace, pod, strict);
  }

  /**
   * Checks {@code pod} in {@code namespace}, reading lists from {@code reads} where it keeps them;
   * {@code strict}: a check that cannot be made fails.
   */
  public static PreflightRules.Result check(
      KubernetesClient client, SharedReads reads, String namespace, PodSpec pod, boolean strict) {
    // The three lists are asked for at once, before the rules look at the named objects: the
    // answers (a NodeList is large) are read while the next request is on its way.
    Supplier<Listing<ResourceQuota>> quotas =
        early(
            "resourcequotas",
            reads.quotas(),
            namespace,
            () -> client.resourceQuotas().inNamespace(namespace).list().getItems());
    Supplier<Listing<LimitRange>> limitRanges =
        early(
            "limitranges",
            reads.limitRanges(),
            namespace,
            () -> client.limitRanges().inNamespace(namespace).list().getItems());
    Supplier<Listing<Node>> nodes =
        early("nodes", reads.nodes(), null, () -> client.nodes().list().getItems());
    PreflightRules.Cluster cluster =
        new PreflightRules.Cluster() {
          @Override
          public Lookup lookup(Kind kind, String name) {
            return ask(client, namespace, kind, name);
          }

          @Override
          public Listing<ResourceQuota> quotas() {
            return quotas.get();
          }

          @Override
          public Listing<LimitRange> limitRanges() {
            return limitRanges.get();
          }

          @Override
          public Listing<Node> nodes() {
            return nodes.get();
          }
        };
    return PreflightRules.check(pod, cluster, strict);
  }

  /**
   * The listing from {@code cache} when it keeps one; else a request started now on a thread of its
   * own, whose answer the supplier waits for.
   */
  private static <T extends HasMetadata> Supplier<Listing<T>> early(
      String resource, SharedCache<T> cache, String namespace, Supplier<List<T>> items) {
    if (cache.available()) {
      return () -> Listing.of(cache.list(namespace));
    }
    FutureTask<Listing<T>> request =
        new FutureTask<>(
            () -> {
              try {
                return Listing.of(items.get());
              } catch (KubernetesClientException e) {
                return Listing.unknown(why(e, "list " + resource));
              }
            });
    Thread thread = new Thread(request, "preflight-" + resource);
    thread.setDaemon(true);
    thread.start();
    return () -> {
      try {
        return request.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        request.cancel(true);
        return Listing.unknown("interrupted while listing " + resource);
      } catch (ExecutionException e) {
        if (e.getCause() instanceof RuntimeException r) {
          throw r;
        }
        throw new IllegalStateException(e.getCause());
      }
    };
  }

  private static String why(KubernetesClientException e, String verb) {
    return e.getCode() == 403 ? "no permission to " + verb : "the API server said " + e.getCode();
  }

  private static Lookup ask(KubernetesClient client, String namespace, Kind kind, String name) {
    try {
      return switch (kind) {
        case SECRET -> {
          Secret s = client.secrets().inNamespace(namespace).withName(name).get();
          yield s == null
              ? new Lookup.Absent()
              : new Lookup.Present(keys(s.getData(), s.getStringData()), s.getType());
        }
        case CONFIG_MAP -> {
          ConfigMap m = client.configMaps().inNamespace(namespace).withName(name).get();
          yield m == null
              ? new Lookup.Absent()
              : new Lookup.Present(keys(m.getData(), m.getBinaryData()), null);
        }
        case SERVICE_ACCOUNT -> {
          ServiceAccount sa = client.serviceAccounts().inNamespace(namespace).withName(name).get();
          yield sa == null ? new Lookup.Absent() : new Lookup.Present(Set.of(), null);
        }
        case PRIORITY_CLASS -> {
          PriorityClass pc = client.scheduling().v1().priorityClasses().withName(name).get();
          yield pc == null ? new Lookup.Absent() : new Lookup.Present(Set.of(), null);
        }
      };
    } catch (KubernetesClientException e) {
      return new Lookup.Unknown(why(e, "get " + kind.resource()));
    }
  }

  private static Set<String> keys(Map<String, String> a, Map<String, String> b) {
    Set<String> keys = new LinkedHashSet<>();
    if (a != null) {
      keys.addAll(a.keySet());
    }
    if (b != null) {
      keys.addAll(b.keySet());
    }
    return keys;
  }
}
