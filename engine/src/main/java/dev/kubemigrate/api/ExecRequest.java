package dev.kubemigrate.api;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * One call of `exec`: the pod runs the migration's command itself, once per version across its
 * replicas.
 *
 * @param identity this replica (its pod name): holds the lock and is named in the record
 * @param lockKey the lock's key: the app, or a database shared by several apps
 * @param timeout how long to wait for the lock
 * @param database the database the command uses ({@code --db}), or null: then it is read from the
 *     command's arguments and {@code environment} ({@link DatabaseAddress#find})
 * @param databaseTimeout how long to wait for that database to accept connections before the
 *     command runs; zero: not at all
 * @param environment the command's environment, where the tool's own settings name the database
 * @param tool the migration tool whose output is read ({@link Tool#parse}); null: auto
 * @param notifyUrls the URLs that a run this call finishes posts its result to ({@link Webhooks})
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
    Duration timeout,
    String database,
    Duration databaseTimeout,
    Map<String, String> environment,
    String tool,
    List<String> notifyUrls) {

  public ExecRequest {
    command = List.copyOf(command);
    environment = Map.copyOf(environment);
    notifyUrls = notifyUrls == null ? List.of() : List.copyOf(notifyUrls);
  }

  /** The database the command will use, or why none is known. */
  public DatabaseAddress.Lookup databaseLookup() {
    return DatabaseAddress.find(database, command, environment);
  }
}
