package dev.kubemigrate.preflight;

import dev.kubemigrate.preflight.PreflightRules.Kind;
import dev.kubemigrate.preflight.PreflightRules.Lookup;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * Asks the API server what {@link PreflightRules} needs: one GET per named object, each at most
 * once. A Secret is read for its key names and type only: its values never leave this method. A
 * verb the identity lacks is an {@link Lookup.Unknown}, never an error.
 */
public final class Preflight {

  private Preflight() {}

  /** Checks {@code pod} in {@code namespace}; {@code strict}: a check that cannot be made fails. */
  public static PreflightRules.Result check(
      KubernetesClient client, String namespace, PodSpec pod, boolean strict) {
    return PreflightRules.check(pod, (kind, name) -> ask(client, namespace, kind, name), strict);
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
      };
    } catch (KubernetesClientException e) {
      return new Lookup.Unknown(
          e.getCode() == 403
              ? "no permission to get " + kind.resource()
              : "the API server said " + e.getCode());
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
