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
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    int newline = message.indexOf('\n');
    return newline > 0 ? message.substring(0, newline) : message;
  }
}
