package dev.kubemigrate.api;

/**
 * The one exit-code table, shared by every mode and documented in the README. Scripts depend on
 * these numbers: never renumber a constant, only add new ones.
 */
public enum ExitCode {
  SUCCEEDED(0, "succeeded, or had already succeeded"),
  FAILED(1, "the migration failed"),
  USAGE(2, "usage or input error (a flag, a file, the kubeconfig); nothing was created"),
  COULD_NOT_START(3, "the migration could not start (image, configuration, scheduling)"),
  TIMED_OUT(4, "the migration timed out"),
  KUBERNETES_API(5, "Kubernetes API error (unreachable, unauthorized, or a permission is missing)"),
  CONFLICT(6, "conflict: the same version was already run with a different spec"),
  NOT_FOUND(7, "not found: no such namespace, or no record of that app, phase or version"),
  SCHEMA_GUARD(8, "refused by the rollback guard: the schema no longer serves this version"),
  ROLLOUT(
      9, "the rollout that the post phase waited for failed or did not finish; no contract ran"),
  INTERRUPTED(130, "interrupted");

  private final int code;
  private final String description;

  ExitCode(int code, String description) {
    this.code = code;
    this.description = description;
  }

  /** The process exit status. */
  public int code() {
    return code;
  }

  /** A short, lower-case sentence fragment saying what the code means. */
  public String description() {
    return description;
  }
}
