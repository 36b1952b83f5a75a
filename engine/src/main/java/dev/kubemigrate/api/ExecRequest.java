package dev.kubemigrate.api;

import java.time.Duration;
import java.util.List;

/**
 * One call of `exec`: the pod runs the migration's command itself, once per version across its
 * replicas.
 *
 * @param identity this replica (its pod name): holds the lock and is named in the record
 * @param lockKey the lock's key: the app, or a database shared by several apps
 */
public record ExecRequest(
    String namespace,
    String app,
    Phase phase,
    String version,
    List<String> command,
    String identity,
    String lockKey,
    String startedBy,
    Duration timeout) {}
