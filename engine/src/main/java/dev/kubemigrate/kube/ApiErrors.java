package dev.kubemigrate.kube;

import dev.kubemigrate.api.KubemigrateException;
import dev.kubemigrate.api.Reason;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.UnresolvedAddressException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;

/**
 * Turns the Kubernetes client's failures into one line a user can act on, with a typed reason: the
 * address that could not be reached, the credentials that were rejected, the verb on the resource
 * that is forbidden, the namespace that does not exist, or the server's own words when it refused
 * an object. Never fabric8's dump of the whole {@code Status}: that stays in the cause, for {@code
 * --verbose}.
 */
public final class ApiErrors {

  private ApiErrors() {}

  /** {@code e}, raised while doing {@code verb} on {@code resource}, as a one-line error. */
  public static KubemigrateException translate(
      KubernetesClient client,
      KubernetesClientException e,
      String verb,
      String resource,
      String namespace) {
    String server = client == null ? "the API server" : client.getMasterUrl().toString();
    String where = namespace == null ? "" : " in namespace " + namespace;
    String action = verb + " " + resource + where;
    Optional<String> unreachable = unreachable(e);
    if (unreachable.isPresent()) {
      return new KubemigrateException(
          Reason.UNREACHABLE,
          "cannot reach the API server at " + server + " (" + unreachable.get() + ") to " + action,
          e);
    }
    return switch (e.getCode()) {
      case 401 ->
          new KubemigrateException(
              Reason.UNAUTHORIZED,
              "unauthorized: the API server at "
                  + server
                  + " rejected the credentials (to "
                  + action
                  + "): renew the kubeconfig's token or certificate",
              e);
      case 403 ->
          new KubemigrateException(
              Reason.FORBIDDEN,
              "forbidden: missing permission to "
                  + action
                  + " (grant it with a Role; `kubemigrate doctor` lists what each mode needs)",
              e);
      case 400, 422 ->
          new KubemigrateException(
              Reason.INVALID_SPEC, "the API server refused to " + action + ": " + describe(e), e);
      case 404 ->
          missingNamespace(e)
              .map(ns -> namespaceNotFound(ns, e))
              .orElseGet(
                  () ->
                      new KubemigrateException(
                          Reason.NOT_FOUND,
                          "not found: " + resource + where + ": " + describe(e),
                          e));
      default ->
          new KubemigrateException(
              Reason.KUBERNETES_API_ERROR,
              "Kubernetes API error on " + action + ": " + describe(e),
              e);
    };
  }

  /** A failure of an informer or a list whose verb is not known: read from the request. */
  public static KubemigrateException translate(
      KubernetesClient client, KubernetesClientException e) {
    String resource =
        e.getResourcePlural() == null
            ? "resources"
            : e.getResourcePlural() + (e.getGroup() == null ? "" : "." + e.getGroup());
    return translate(client, e, "list and watch", resource, e.getNamespace());
  }

  /**
   * Any failure of a client call, wrapped however a library wrapped it (an informer that cannot
   * start, say): the Kubernetes client's exception in it, or an unreachable server, if either.
   */
  public static Optional<KubemigrateException> find(KubernetesClient client, Throwable failure) {
    int depth = 0;
    for (Throwable t = failure; t != null && depth < 20; t = t.getCause(), depth++) {
      if (t instanceof KubernetesClientException k) {
        return Optional.of(translate(client, k));
      }
    }
    return unreachable(failure)
        .map(
            why ->
                new KubemigrateException(
                    Reason.UNREACHABLE,
                    "cannot reach the API server at " + client.getMasterUrl() + " (" + why + ")",
                    failure));
  }

  /** The error that says {@code namespace} does not exist (exit 7). */
  public static KubemigrateException namespaceNotFound(String namespace, Throwable cause) {
    return new KubemigrateException(
        Reason.NAMESPACE_NOT_FOUND,
        "namespace "
            + namespace
            + " does not exist: create it, or fix -n/--namespace (or the kubeconfig context's"
            + " namespace)",
        cause);
  }

  /**
   * True when the API server refused the request itself (invalid, forbidden, quota): nothing was
   * created. Not for timeouts or server errors, after which the object may exist.
   */
  public static boolean refused(KubemigrateException e) {
    return e.getCause() instanceof KubernetesClientException k
        && (k.getCode() == 400 || k.getCode() == 403 || k.getCode() == 422);
  }

  /** The server's own message in one line, or the client's first line. */
  public static String describe(Throwable e) {
    Optional<String> unreachable = unreachable(e);
    if (unreachable.isPresent()) {
      return "cannot reach the API server (" + unreachable.get() + ")";
    }
    if (e instanceof KubernetesClientException k
        && k.getStatus() != null
        && k.getStatus().getMessage() != null) {
      // The server's own words, not the client's dump of the whole Status object.
      return oneLine(k.getStatus().getMessage());
    }
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    int newline = message.indexOf('\n');
    return oneLine(newline > 0 ? message.substring(0, newline) : message);
  }

  /** Why the server could not be reached, if that is what {@code e} says. */
  static Optional<String> unreachable(Throwable e) {
    List<Throwable> chain = new ArrayList<>();
    for (Throwable t = e; t != null && chain.size() < 20 && !chain.contains(t); t = t.getCause()) {
      chain.add(t);
    }
    // The innermost cause is the most precise: a ConnectException wraps an unresolved address.
    Collections.reverse(chain);
    for (Throwable t : chain) {
      if (t instanceof HttpConnectTimeoutException
          || (t instanceof ConnectException
              && String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT).contains("timed out"))) {
        return Optional.of(
            "no answer within the connect timeout (at most " + connectTimeout() + ")");
      }
      if (t instanceof UnresolvedAddressException || t instanceof UnknownHostException) {
        return Optional.of("host not found");
      }
      if (t instanceof NoRouteToHostException) {
        return Optional.of("no route to host");
      }
      if (t instanceof SSLException) {
        return Optional.of("TLS failed: " + oneLine(String.valueOf(t.getMessage())) + tlsHint(t));
      }
      if (t instanceof ConnectException || t instanceof ClosedChannelException) {
        return Optional.of(
            t.getMessage() == null || t.getMessage().isBlank()
                ? "connection refused"
                : t.getMessage().toLowerCase(Locale.ROOT));
      }
      if (t instanceof TimeoutException) {
        return Optional.of("timed out");
      }
    }
    return Optional.empty();
  }

  /** What a TLS failure most likely means, for the two that a kubeconfig causes. */
  private static String tlsHint(Throwable t) {
    String message = String.valueOf(t.getMessage());
    if (message.contains("PKIX path") || message.contains("certification path")) {
      return ": the API server's certificate is not signed by a CA this client trusts (the"
          + " kubeconfig's certificate-authority; in a pod, the service account's ca.crt; the"
          + " JDK's CAs when neither is given; a TLS-inspecting proxy has the same effect)";
    }
    if (List.of(
            "decrypt_error",
            "bad_certificate",
            "certificate_unknown",
            "unknown_ca",
            "certificate_required",
            "handshake_failure")
        .stream()
        .anyMatch(message::contains)) {
      return ": the API server refused the handshake: if the kubeconfig gives a client"
          + " certificate, check that its client-key matches it and that a CA the server trusts"
          + " signed it";
    }
    return "";
  }

  private static String connectTimeout() {
    return KubeClients.CONNECT_TIMEOUT.toSeconds()
        + " s; "
        + KubeClients.HANDSHAKE_TIMEOUT.toSeconds()
        + " s for the TLS handshake";
  }

  /** The namespace a 404 says is missing: the server names it as {@code namespaces "x"}. */
  private static Optional<String> missingNamespace(KubernetesClientException e) {
    Status status = e.getStatus();
    if (status != null
        && status.getDetails() != null
        && "namespaces".equals(status.getDetails().getKind())
        && status.getDetails().getName() != null) {
      return Optional.of(status.getDetails().getName());
    }
    return Optional.empty();
  }

  private static String oneLine(String s) {
    String line = s.replace('\n', ' ').strip();
    return line.length() > 400 ? line.substring(0, 400) + "…" : line;
  }
}
