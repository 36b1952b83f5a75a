package dev.kubemigrate.kube;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.VersionInfo;
import java.util.function.Supplier;

/**
 * The Kubernetes version of the API server, as {@code GET /version} says it ({@code major: "1",
 * minor: "31"}; managed clusters add a {@code +}, as in {@code "30+"}). What kubemigrate builds
 * depends on it only where a newer server offers something an older one does not: see {@code
 * JobFactory}. A version that cannot be read or parsed is {@link #UNKNOWN}, which is built for as
 * the oldest server kubemigrate supports.
 */
public record ServerVersion(int major, int minor) {

  /** Not known: everything is built as for the oldest supported server (Kubernetes 1.20). */
  public static final ServerVersion UNKNOWN = new ServerVersion(0, 0);

  /** Whether the server is {@code major.minor} or newer; never for {@link #UNKNOWN}. */
  public boolean atLeast(int major, int minor) {
    return this.major > major || (this.major == major && this.minor >= minor);
  }

  /**
   * The version of {@code /version}'s major and minor fields: digits, then anything (the {@code +}
   * of GKE and EKS); anything else is {@link #UNKNOWN}.
   */
  public static ServerVersion parse(String major, String minor) {
    int ma = leadingNumber(major);
    int mi = leadingNumber(minor);
    return ma < 1 || mi < 0 ? UNKNOWN : new ServerVersion(ma, mi);
  }

  /** Asks the API server ({@code GET /version}); {@link #UNKNOWN} when it does not say. */
  public static ServerVersion read(KubernetesClient client) {
    try {
      VersionInfo info = client.getKubernetesVersion();
      return info == null ? UNKNOWN : parse(info.getMajor(), info.getMinor());
    } catch (KubernetesClientException e) {
      return UNKNOWN; // the next request says what is wrong, if it matters
    }
  }

  /** The server's version, asked the first time it is needed and never again. Thread-safe. */
  public static Supplier<ServerVersion> once(KubernetesClient client) {
    return new Supplier<>() {
      private ServerVersion read;

      @Override
      public synchronized ServerVersion get() {
        if (read == null) {
          read = read(client);
        }
        return read;
      }
    };
  }

  @Override
  public String toString() {
    return equals(UNKNOWN) ? "unknown" : major + "." + minor;
  }

  private static int leadingNumber(String s) {
    if (s == null) {
      return -1;
    }
    int end = 0;
    while (end < s.length() && end < 6 && s.charAt(end) >= '0' && s.charAt(end) <= '9') {
      end++;
    }
    return end == 0 ? -1 : Integer.parseInt(s.substring(0, end));
  }
}
