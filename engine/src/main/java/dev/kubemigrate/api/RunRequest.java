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
 */
public record RunRequest(
    MigrationSpec spec,
    String namespace,
    boolean retry,
    int attempt,
    String startedBy,
    boolean deleteOnInterrupt,
    String lockKey) {

  public RunRequest {
    attempt = Math.max(1, attempt);
    lockKey = lockKey == null ? spec.app() : lockKey;
  }
}
