package dev.kubemigrate.kube;

import dev.kubemigrate.api.ExitCode;
import dev.kubemigrate.api.KubemigrateException;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.util.concurrent.TimeoutException;

/**
 * Turns the Kubernetes client's failures into one line a user can act on: which verb on which
 * resource is missing, or which address could not be reached. Exit code 5.
 */
public final class ApiErrors {

  private ApiErrors() {}

  public static KubemigrateException translate(
      KubernetesClientException e, String verb, String resource, String namespace) {
    String where = namespace == null ? "" : " in namespace " + namespace;
    return switch (e.getCode()) {
      case 401 ->
          new KubemigrateException(
              ExitCode.KUBERNETES_API,
              "unauthorized: the API server rejected the credentials ("
                  + verb
                  + " "
                  + resource
                  + ")",
              e);
      case 403 ->
          new KubemigrateException(
              ExitCode.KUBERNETES_API,
              "forbidden: missing permission to "
                  + verb
                  + " "
                  + resource
                  + where
                  + " (grant it with a Role; `kubemigrate doctor` lists what each mode needs)",
              e);
      case 400, 422 ->
          new KubemigrateException(
              ExitCode.USAGE,
              "the API server refused to " + verb + " " + resource + where + ": " + describe(e),
              e);
      case 404 ->
          new KubemigrateException(
              ExitCode.KUBERNETES_API,
              "not found: "
                  + resource
                  + where
                  + (namespace == null ? "" : " (does the namespace exist?)"),
              e);
      default ->
          new KubemigrateException(
              ExitCode.KUBERNETES_API,
              "Kubernetes API error on " + verb + " " + resource + where + ": " + describe(e),
              e);
    };
  }

  /**
   * True when the API server refused the request itself (invalid, forbidden, quota): nothing was
   * created. Not for timeouts or server errors, after which the object may exist.
   */
  public static boolean refused(KubemigrateException e) {
    return e.getCause() instanceof KubernetesClientException k
        && (k.getCode() == 400 || k.getCode() == 403 || k.getCode() == 422);
  }

  /** The root cause in one line: an unreachable address says so. */
  public static String describe(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
      if (t instanceof ConnectException
          || t instanceof UnknownHostException
          || t instanceof TimeoutException) {
        return "cannot reach the API server: " + t.getMessage();
      }
    }
    if (e instanceof KubernetesClientException k
        && k.getStatus() != null
        && k.getStatus().getMessage() != null) {
      // The server's own words, not the client's dump of the whole Status object.
      return oneLine(k.getStatus().getMessage());
    }
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    int newline = message.indexOf('\n');
    return newline > 0 ? message.substring(0, newline) : message;
  }

  private static String oneLine(String s) {
    String line = s.replace('\n', ' ').strip();
    return line.length() > 400 ? line.substring(0, 400) + "…" : line;
  }
}
