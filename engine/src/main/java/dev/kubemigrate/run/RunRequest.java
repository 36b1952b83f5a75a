package dev.kubemigrate.run;

import dev.kubemigrate.job.MigrationSpec;

/**
 * One call of the engine.
 *
 * @param retry start a new attempt when the last one failed
 * @param startedBy recorded in the run's record (a CI run URL when there is one)
 * @param deleteOnInterrupt stop the Job when the caller is interrupted (default: leave it running)
 * @param lockKey the key of the lock that serialises migrations: the app, or e.g. a database
 */
public record RunRequest(
    MigrationSpec spec,
    String namespace,
    boolean retry,
    String startedBy,
    boolean deleteOnInterrupt,
    String lockKey) {

  public RunRequest {
    lockKey = lockKey == null ? spec.app() : lockKey;
  }
}
