package dev.kubemigrate.api;

import java.util.Arrays;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Why a run, or a call of kubemigrate, stopped: one vocabulary for every mode. The record stores
 * the reason's {@link #label()}; `status`, `-o json`, the step summary, the operator's status and
 * its Events all speak it. Each reason carries the exit code it ends with, whether trying again on
 * its own could help, and one line that tells the user what to do next. The README's reason table
 * is checked against this enum by a test: add a row there when you add a constant here.
 *
 * <p>Labels are Kubernetes' own words where Kubernetes has one (ErrImagePull, OOMKilled,
 * DeadlineExceeded, …), so that what kubemigrate says matches what {@code kubectl describe} says.
 * Never rename a label: records written by older versions keep it.
 */
public enum Reason {
  COMPLETED("Completed", ExitCode.SUCCEEDED, "nothing to do"),

  // The migration ran and failed (exit 1).
  ERROR(
      "Error",
      ExitCode.FAILED,
      "read the migration's log, fix the migration or the database, then start a new attempt"
          + " (run --retry, or raise spec.attempt)"),
  OOM_KILLED(
      "OOMKilled",
      ExitCode.FAILED,
      "raise the memory limit (--memory, or resources in the spec), then start a new attempt"),
  EVICTED(
      "Evicted",
      ExitCode.FAILED,
      "the node evicted the pod (resource pressure): check the node, then start a new attempt"),
  DISRUPTED(
      "Disrupted",
      ExitCode.FAILED,
      "the cluster stopped the pod (preemption, a drain, a taint, its node gone or shut down), not"
          + " the migration: check the database, then start a new attempt"),
  BACKOFF_LIMIT_EXCEEDED(
      "BackoffLimitExceeded",
      ExitCode.FAILED,
      "every allowed try failed: read the log, fix the cause, then start a new attempt"),
  JOB_FAILED(
      "JobFailed",
      ExitCode.FAILED,
      "the Job failed for the reason in the message: fix it, then start a new attempt"),
  JOB_LOST(
      "JobLost",
      ExitCode.FAILED,
      "the Job vanished before its result was recorded: check the database, then start a new"
          + " attempt"),
  JOB_DELETED(
      "JobDeleted",
      ExitCode.FAILED,
      "the Job was deleted while it ran: check the database, then start a new attempt"),
  POD_DELETED(
      "PodDeleted",
      ExitCode.FAILED,
      "the pod was deleted while it ran; its replacement was held back so that it never runs"
          + " twice: check the database, then start a new attempt"),
  INTERRUPTED(
      "Interrupted",
      ExitCode.FAILED,
      "the run was cut off before it recorded a result and may be half applied: check the"
          + " database, then start a new attempt"),
  LOST_LOCK(
      "LostLock",
      ExitCode.FAILED,
      "another holder took the app's lock while this run went on: check the database, then start"
          + " a new attempt"),
  ABANDONED(
      "Abandoned",
      ExitCode.FAILED,
      "its runner stopped after the claim and before the Job: nothing ran; start a new attempt"),

  // The migration tool's own tables need a person (its words: tool/ToolRules).
  TOOL_FAILED_MIGRATION(
      "FailedMigrationRecorded",
      ExitCode.FAILED,
      "remove by hand what the failed migration applied, then run the tool's repair (flyway"
          + " repair deletes the failed row) and start a new attempt"),
  TOOL_VALIDATION_FAILED(
      "ToolValidationFailed",
      ExitCode.FAILED,
      "ship the migrations as they were applied (a changed or missing script); if the change is"
          + " meant, flyway repair realigns the history; then start a new attempt"),
  DIRTY_DATABASE(
      "DirtyDatabase",
      ExitCode.FAILED,
      "fix the half-applied version by hand, then migrate force VERSION (it only sets the version,"
          + " it runs nothing) and start a new attempt"),

  // The migration could not start (exit 3): nothing of it ran.
  ERR_IMAGE_PULL(
      "ErrImagePull",
      ExitCode.COULD_NOT_START,
      "check the image's name and tag, that the registry is reachable from the node, and the pull"
          + " secret (--image-pull-secret)"),
  IMAGE_PULL_BACK_OFF(
      "ImagePullBackOff",
      ExitCode.COULD_NOT_START,
      "check the image's name and tag, that the registry is reachable from the node, and the pull"
          + " secret (--image-pull-secret)"),
  IMAGE_NOT_FOUND(
      "ImageNotFound",
      ExitCode.COULD_NOT_START,
      "the registry has no such image or tag: push it, or fix the image named above (--image, or --kubemigrate-image for kubemigrate's own; a typo in the tag?)"),
  IMAGE_PULL_DENIED(
      "ImagePullDenied",
      ExitCode.COULD_NOT_START,
      "the registry refused the pull: check the pull secret's credentials and its access to the"
          + " repository (--image-pull-secret)"),
  REGISTRY_HOST_NOT_FOUND(
      "RegistryHostNotFound",
      ExitCode.COULD_NOT_START,
      "the registry's host name does not resolve from the node: fix the registry in the image named above (--image, or --kubemigrate-image for kubemigrate's own)"),
  INVALID_IMAGE_NAME(
      "InvalidImageName",
      ExitCode.COULD_NOT_START,
      "fix the image reference named above (--image, or --kubemigrate-image for kubemigrate's own)"),
  ERR_IMAGE_NEVER_PULL(
      "ErrImageNeverPull",
      ExitCode.COULD_NOT_START,
      "load the image onto the node, or use --image-pull-policy IfNotPresent"),
  CREATE_CONTAINER_CONFIG_ERROR(
      "CreateContainerConfigError",
      ExitCode.COULD_NOT_START,
      "create the Secret, ConfigMap or key that the message names, or mark the reference"
          + " optional; then start a new attempt"),
  CREATE_CONTAINER_ERROR(
      "CreateContainerError",
      ExitCode.COULD_NOT_START,
      "the container runtime could not create the container: fix what the message names"),
  RUN_CONTAINER_ERROR(
      "RunContainerError",
      ExitCode.COULD_NOT_START,
      "the container runtime could not run the container: fix what the message names"),
  START_ERROR(
      "StartError",
      ExitCode.COULD_NOT_START,
      "the command is not in the image or cannot run: fix --command and the arguments after --,"
          + " or the image"),
  CONTAINER_CANNOT_RUN(
      "ContainerCannotRun",
      ExitCode.COULD_NOT_START,
      "the command is not in the image or cannot run: fix --command and the arguments after --,"
          + " or the image"),
  COMMAND_NOT_FOUND(
      "CommandNotFound",
      ExitCode.COULD_NOT_START,
      "the command after `exec --` is not in the image or is not executable: fix the command"),
  STALE_TOOL_LOCK(
      "StaleToolLock",
      ExitCode.COULD_NOT_START,
      "release the tool's lock that a dead run left (liquibase release-locks), then start a new"
          + " attempt; nothing was applied"),
  DATABASE_UNREACHABLE(
      "DatabaseUnreachable",
      ExitCode.COULD_NOT_START,
      "start the database, or fix its address (--db, FLYWAY_URL, DATABASE_URL, …) or raise"
          + " --db-timeout; nothing ran or was recorded: run it again (a pod's next start does)",
      true),
  PREFLIGHT_FAILED(
      "PreflightFailed",
      ExitCode.COULD_NOT_START,
      "fix what each problem names (a missing Secret, ConfigMap, key, service account or pull"
          + " secret; a full ResourceQuota); nothing was created: run again as it is",
      true),
  JOB_REJECTED(
      "JobRejected",
      ExitCode.COULD_NOT_START,
      "the API server refused the Job (see the message): fix the spec, then start a new attempt"),
  FAILED_CREATE(
      "FailedCreate",
      ExitCode.COULD_NOT_START,
      "Kubernetes cannot create the pod: fix what the message names (a service account, a"
          + " ResourceQuota or LimitRange, an admission policy), then start a new attempt"),
  UNSCHEDULABLE(
      "Unschedulable",
      ExitCode.COULD_NOT_START,
      "no node can take the pod: check its node selector, tolerations and resource requests"),

  // It did not finish in time (exit 4).
  DEADLINE_EXCEEDED(
      "DeadlineExceeded",
      ExitCode.TIMED_OUT,
      "raise --timeout (spec.timeout), or make the migration faster; then start a new attempt"),
  CLIENT_DEADLINE_EXCEEDED(
      "ClientDeadlineExceeded",
      ExitCode.TIMED_OUT,
      "Kubernetes did not stop the Job at its deadline, so kubemigrate did: check the cluster's"
          + " job controller, then start a new attempt"),
  NOT_MIGRATED(
      "NotMigrated",
      ExitCode.TIMED_OUT,
      "this version was not migrated in time: run its migration (kubemigrate run, or a"
          + " Migration), or raise --timeout",
      true),
  LOCK_TIMEOUT(
      "LockTimeout",
      ExitCode.TIMED_OUT,
      "another run held the app's lock for the whole timeout: see `kubemigrate status`, then try"
          + " again",
      true),

  // Stops of the call itself, not of a migration.
  INVALID_SPEC(
      "InvalidSpec", ExitCode.USAGE, "fix the flag or field that the message names", false),
  SPEC_CONFLICT(
      "SpecConflict",
      ExitCode.CONFLICT,
      "this version already ran with another image or spec: a changed migration needs a new"
          + " version",
      false),
  KUBERNETES_API_ERROR(
      "KubernetesApiError",
      ExitCode.KUBERNETES_API,
      "check the cluster's address and the permissions that the message names (kubemigrate"
          + " doctor); trying again may help",
      true),
  UNREACHABLE(
      "Unreachable",
      ExitCode.KUBERNETES_API,
      "check the server address in the kubeconfig (--kubeconfig, --context) and that the cluster"
          + " is up and reachable from here",
      true),
  UNAUTHORIZED(
      "Unauthorized",
      ExitCode.KUBERNETES_API,
      "the API server rejected the credentials: renew the kubeconfig's token or certificate",
      true),
  FORBIDDEN(
      "Forbidden",
      ExitCode.KUBERNETES_API,
      "grant the permission that the message names with a Role (kubemigrate doctor lists what each"
          + " mode needs)",
      true),
  INVALID_KUBECONFIG(
      "InvalidKubeconfig",
      ExitCode.USAGE,
      "fix the kubeconfig file that the message names, or point --kubeconfig or $KUBECONFIG at"
          + " another",
      false),
  NAMESPACE_NOT_FOUND(
      "NamespaceNotFound",
      ExitCode.NOT_FOUND,
      "create the namespace, or fix -n/--namespace (or the kubeconfig context's namespace)",
      false),
  NOT_FOUND(
      "NotFound",
      ExitCode.NOT_FOUND,
      "check --app, --phase, --version and -n: `kubemigrate history --app APP` lists what ran",
      false),
  SCHEMA_CONTRACTED(
      "SchemaContracted",
      ExitCode.SCHEMA_GUARD,
      "roll forward to the version the message names or later; or run a down migration that"
          + " restores what this version needs (run --phase down --compatible-from VERSION)"),
  VERSION_UNORDERED(
      "VersionUnordered",
      ExitCode.SCHEMA_GUARD,
      "the app has a schema floor, so its versions must be ordered: use semantic versions (1.5.0)"
          + " or dotted numbers (2024.05.17)"),
  PRE_NOT_SUCCEEDED(
      "PreNotSucceeded",
      ExitCode.COULD_NOT_START,
      "run (or --retry) the pre phase of this version until it succeeds, then the post phase",
      true),
  ROLLOUT_FAILED(
      "RolloutFailed",
      ExitCode.ROLLOUT,
      "fix the rollout (kubectl rollout status; the pods' events), roll it out again, then run the"
          + " post phase again: no contract ran",
      true),
  ROLLOUT_TIMED_OUT(
      "RolloutTimedOut",
      ExitCode.ROLLOUT,
      "the rollout did not finish within --rollout-timeout: see what the message says is left,"
          + " then run the post phase again; no contract ran",
      true),
  ROLLOUT_UNREADABLE(
      "RolloutUnreadable",
      ExitCode.USAGE,
      "label the workload's pod template with kubemigrate.dev/version (the version its pods run),"
          + " or fix --after; nothing was created"),
  CANCELLED(
      "Cancelled",
      ExitCode.INTERRUPTED,
      "this call was stopped (Ctrl-C, SIGTERM); a Job keeps running unless --on-interrupt delete:"
          + " run the same command again to attach",
      true);

  private static final Map<String, Reason> BY_LABEL =
      Arrays.stream(values()).collect(Collectors.toMap(Reason::label, Function.identity()));

  private final String label;
  private final ExitCode exitCode;
  private final String hint;
  private final boolean retryable;

  Reason(String label, ExitCode exitCode, String hint) {
    this(label, exitCode, hint, false);
  }

  Reason(String label, ExitCode exitCode, String hint, boolean retryable) {
    this.label = label;
    this.exitCode = exitCode;
    this.hint = hint;
    this.retryable = retryable;
  }

  /** The word stored in records and shown to people and tools (`OOMKilled`). */
  public String label() {
    return label;
  }

  /** The exit code of a call that stops for this reason. */
  public ExitCode exitCode() {
    return exitCode;
  }

  /** What the user should do next: one line. */
  public String hint() {
    return hint;
  }

  /**
   * False when trying the same thing again cannot help until a person acts (a terminal error, in
   * controller-runtime's words); true for an API error or an interrupted call, which may.
   */
  public boolean retryable() {
    return retryable;
  }

  /** Whether a stop for this reason ends the run for good: see {@link #retryable()}. */
  public boolean terminal() {
    return !retryable;
  }

  /**
   * The reason a stored label stands for. A label this version does not know (a Job condition's own
   * reason written by an older kubemigrate, say) is a Job failure.
   */
  public static Reason of(String label) {
    if (label == null) {
      return JOB_FAILED;
    }
    return BY_LABEL.getOrDefault(label, JOB_FAILED);
  }

  /** The reason a label stands for, if this version knows it. */
  public static java.util.Optional<Reason> known(String label) {
    return java.util.Optional.ofNullable(label == null ? null : BY_LABEL.get(label));
  }

  /** The reason that an error with this exit code stands for, when nothing more is known. */
  public static Reason ofError(ExitCode code) {
    return switch (code) {
      case USAGE -> INVALID_SPEC;
      case CONFLICT -> SPEC_CONFLICT;
      case TIMED_OUT -> LOCK_TIMEOUT;
      case INTERRUPTED -> CANCELLED;
      case COULD_NOT_START -> START_ERROR;
      case FAILED -> ERROR;
      case SUCCEEDED -> COMPLETED;
      case KUBERNETES_API -> KUBERNETES_API_ERROR;
      case NOT_FOUND -> NOT_FOUND;
      case SCHEMA_GUARD -> SCHEMA_CONTRACTED;
      case ROLLOUT -> ROLLOUT_FAILED;
    };
  }

  @Override
  public String toString() {
    return label;
  }
}
