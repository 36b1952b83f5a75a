package dev.kubemigrate.doctor;

import java.util.ArrayList;
import java.util.List;

/**
 * What each mode needs in its namespace: the one list that `doctor` checks and that the shipped
 * RBAC manifests (deploy/rbac, and the operator's ClusterRole in deploy/operator) grant — a unit
 * test holds them together.
 */
public final class Permissions {

  /** One verb on one resource ({@code group} empty for the core group). */
  public record Permission(String group, String resource, String verb) {
    @Override
    public String toString() {
      return verb + " " + (group.isEmpty() ? resource : resource + "." + group);
    }
  }

  public enum Mode {
    RUN,
    AWAIT,
    EXEC,
    /** {@code kubemigrate operator}: what run needs, plus its Migrations and their Events. */
    OPERATOR;

    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  private Permissions() {}

  /**
   * What the pre-flight of {@code run} and the operator reads. None is required: without one, the
   * pre-flight skips that check and says so. Secrets are read for their key names and type only.
   */
  public static List<Permission> preflight() {
    List<Permission> p = new ArrayList<>();
    add(p, "", "secrets", "get");
    add(p, "", "serviceaccounts", "get");
    add(p, "", "resourcequotas", "list");
    add(p, "", "limitranges", "list");
    // Cluster-scoped: a ClusterRole grants them.
    add(p, "", "nodes", "list");
    add(p, "scheduling.k8s.io", "priorityclasses", "get");
    return List.copyOf(p);
  }

  /**
   * What the post phase's {@code --after} reads: the workloads and (already granted) their pods.
   * Needed only by a post phase that waits for a rollout.
   */
  public static List<Permission> postPhase() {
    List<Permission> p = new ArrayList<>();
    add(p, "apps", "deployments", "get", "list", "watch");
    add(p, "apps", "statefulsets", "get", "list", "watch");
    return List.copyOf(p);
  }

  /** What the mode may use without needing it always: the pre-flight's and the post phase's. */
  public static List<Permission> optional(Mode mode) {
    if (!preflights(mode)) {
      return List.of();
    }
    List<Permission> p = new ArrayList<>(preflight());
    if (mode == Mode.OPERATOR) {
      // Its runs read these from shared informers; without watch, each run lists them.
      add(p, "", "resourcequotas", "watch");
      add(p, "", "limitranges", "watch");
      add(p, "", "nodes", "watch");
    }
    p.addAll(postPhase());
    return List.copyOf(p);
  }

  /** Whether the mode runs the pre-flight (and so may use {@link #preflight()}). */
  public static boolean preflights(Mode mode) {
    return mode == Mode.RUN || mode == Mode.OPERATOR;
  }

  /** Whether {@code p} is of a cluster-scoped resource. */
  public static boolean clusterScoped(Permission p) {
    return p.resource().equals("nodes") || p.resource().equals("priorityclasses");
  }

  public static List<Permission> of(Mode mode) {
    List<Permission> p = new ArrayList<>();
    switch (mode) {
      case RUN -> {
        add(p, "", "configmaps", "get", "list", "watch", "create", "update", "delete");
        add(p, "batch", "jobs", "get", "list", "watch", "create", "delete");
        // patch: on Kubernetes before 1.26, the start gate's annotation (see StartGate).
        add(p, "", "pods", "get", "list", "watch", "patch");
        add(p, "", "pods/log", "get");
        add(p, "coordination.k8s.io", "leases", "get", "list", "watch", "create", "update");
        // A Job's Events: why its pod cannot be created (FailedCreate).
        add(p, "", "events", "list", "watch");
      }
      case AWAIT -> add(p, "", "configmaps", "get", "list", "watch");
      case OPERATOR -> {
        p.addAll(of(Mode.RUN));
        add(p, "kubemigrate.dev", "migrations", "get", "list", "watch");
        add(p, "kubemigrate.dev", "migrations/status", "get", "patch", "update");
        add(p, "", "events", "create");
        // Its own leader-election Lease is renewed with a patch.
        add(p, "coordination.k8s.io", "leases", "patch");
      }
      case EXEC -> {
        add(p, "", "configmaps", "get", "list", "watch", "create", "update");
        add(p, "coordination.k8s.io", "leases", "get", "list", "watch", "create", "update");
      }
    }
    return List.copyOf(p);
  }

  private static void add(List<Permission> list, String group, String resource, String... verbs) {
    for (String verb : verbs) {
      list.add(new Permission(group, resource, verb));
    }
  }
}
