package dev.kubemigrate.api;

/**
 * One call of the engine.
 *
 * @param retry start a new attempt when the last one failed
 * @param attempt the attempt wanted: a failed run whose attempt is below it is retried, as with
 *     {@code retry} (1: never)
 * @param startedBy recorded in the run's record (a CI run URL when there is one)
 * @param deleteOnInterrupt stop the Job when the caller is interrupted (default: leave it running)
 * @param lockKey the key of the lock that serialises migrations: the app, or e.g. a database
 * @param preflight whether and how strictly the pod's references are checked before the claim
 * @param kubemigrateImage kubemigrate's own image, which a Job's pod may run: on Kubernetes before
 *     1.26, the start gate that lets one pod of an attempt start (default: the spec's {@code
 *     waitForDatabase.image}; without either, the start-once key guards the start)
 */
public record RunRequest(
    MigrationSpec spec,
    String namespace,
    boolean retry,
    int attempt,
    String startedBy,
    boolean deleteOnInterrupt,
    String lockKey,
    PreflightMode preflight,
    String kubemigrateImage) {

  public RunRequest {
    attempt = Math.max(1, attempt);
    lockKey = lockKey == null ? spec.app() : lockKey;
    preflight = preflight == null ? PreflightMode.AUTO : preflight;
    kubemigrateImage =
        kubemigrateImage == null || kubemigrateImage.isBlank() ? null : kubemigrateImage.strip();
  }

  /** A request to run {@code spec} in {@code namespace}: attempt 1, no retry, the app's lock. */
  public static Builder of(MigrationSpec spec, String namespace) {
    return new Builder(spec, namespace);
  }

  /** Names each choice, so that no call reads {@code new RunRequest(spec, ns, false, 1, ...)}. */
  public static final class Builder {
    private final MigrationSpec spec;
    private final String namespace;
    private boolean retry;
    private int attempt = 1;
    private String startedBy;
    private boolean deleteOnInterrupt;
    private String lockKey;
    private PreflightMode preflight;
    private String kubemigrateImage;

    private Builder(MigrationSpec spec, String namespace) {
      this.spec = spec;
      this.namespace = namespace;
    }

    /** Start a new attempt when the last one failed (`--retry`). */
    public Builder retry(boolean retry) {
      this.retry = retry;
      return this;
    }

    /** The attempt wanted (`spec.attempt`): a failed attempt below it is retried. */
    public Builder attempt(int attempt) {
      this.attempt = attempt;
      return this;
    }

    /** Who starts the run, as the record names it. */
    public Builder startedBy(String startedBy) {
      this.startedBy = startedBy;
      return this;
    }

    /** Stop the Job when the caller is interrupted (`--on-interrupt delete`). */
    public Builder deleteOnInterrupt(boolean deleteOnInterrupt) {
      this.deleteOnInterrupt = deleteOnInterrupt;
      return this;
    }

    /** The lock's key (`--lock`); null: the app. */
    public Builder lockKey(String lockKey) {
      this.lockKey = lockKey;
      return this;
    }

    /** How the pod's references are checked before the claim (default: auto). */
    public Builder preflight(PreflightMode preflight) {
      this.preflight = preflight;
      return this;
    }

    /** kubemigrate's own image (`--kubemigrate-image`, the operator's image); null: none. */
    public Builder kubemigrateImage(String image) {
      this.kubemigrateImage = image;
      return this;
    }

    public RunRequest build() {
      return new RunRequest(
          spec,
          namespace,
          retry,
          attempt,
          startedBy,
          deleteOnInterrupt,
          lockKey,
          preflight,
          kubemigrateImage);
    }
  }
}
