package dev.kubemigrate.exec;

import dev.kubemigrate.job.Hashing;
import dev.kubemigrate.job.Phase;
import dev.kubemigrate.job.RunNames;
import dev.kubemigrate.lock.AppLock;
import dev.kubemigrate.lock.OtherRuns;
import dev.kubemigrate.outcome.ExitCode;
import dev.kubemigrate.outcome.KubemigrateException;
import dev.kubemigrate.record.LogTail;
import dev.kubemigrate.record.RecordStore;
import dev.kubemigrate.record.RunRecord;
import dev.kubemigrate.record.RunState;
import dev.kubemigrate.record.StoredRecord;
import dev.kubemigrate.run.RunEngine;
import dev.kubemigrate.run.RunListener;
import dev.kubemigrate.run.RunOutcome;
import dev.kubemigrate.run.RunOutcome.How;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The engine behind `kubemigrate exec`: the pod runs the migration itself, once per version across
 * all its replicas. Under the app's lock it checks the record, runs the command as a child process
 * with its output streamed, and records the result; the other replicas wait on the lock and then
 * find the record.
 */
public final class ExecEngine {

  /** An exec run's lock lease: short, so a dead replica's lock is taken over quickly. */
  public static final Duration LEASE = Duration.ofSeconds(15);

  /**
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

  private final KubernetesClient client;
  private final Clock clock;
  private final RunListener listener;

  public ExecEngine(KubernetesClient client, Clock clock, RunListener listener) {
    this.client = client;
    this.clock = clock;
    this.listener = listener;
  }

  public RunOutcome exec(ExecRequest req) {
    RecordStore store = new RecordStore(client, req.namespace());
    String hash = Hashing.sha256Hex(String.join("\u0000", req.command()), 16);
    Optional<RunOutcome> done = finished(store, req, hash);
    if (done.isPresent()) {
      return done.get(); // no lock needed to find it done
    }
    try (AppLock lock =
        new AppLock(
            client, req.namespace(), req.lockKey(), req.identity(), clock, listener, LEASE)) {
      lock.acquire(req.timeout());
      listener.progress("holding lock " + lock.name() + " as " + req.identity());
      done = finished(store, req, hash);
      if (done.isPresent()) {
        return done.get(); // another replica migrated while this one waited
      }
      Optional<StoredRecord> current = store.get(req.app(), req.phase(), req.version());
      if (current.isPresent()) {
        // Active, yet we hold the lock: its runner died half way. Say so; never run it again.
        OtherRuns.markInterrupted(store, current.get().record(), clock);
        return finished(store, req, hash).orElseThrow();
      }
      OtherRuns.settle(
          store, client, req.app(), req.phase(), req.version(), clock, listener, req.timeout());
      RunRecord claim =
          RunRecord.claim(
              req.app(),
              req.phase(),
              req.version(),
              RunState.RUNNING,
              null,
              hash,
              OtherRuns.POD_PREFIX + req.identity(),
              clock.instant(),
              req.startedBy());
      StoredRecord claimed =
          store
              .create(claim)
              .orElseThrow(
                  () ->
                      new KubemigrateException(
                          ExitCode.CONFLICT,
                          "the record of " + req.version() + " appeared while holding the lock"));
      return run(store, claimed, req, lock);
    }
  }

  private RunOutcome run(RecordStore store, StoredRecord claimed, ExecRequest req, AppLock lock) {
    LogTail tail = new LogTail();
    listener.progress("running: " + String.join(" ", req.command()));
    int exit;
    String reason;
    String message;
    try {
      Process process = new ProcessBuilder(req.command()).redirectErrorStream(true).start();
      process.getOutputStream().close();
      try (BufferedReader out =
          new BufferedReader(
              new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = out.readLine()) != null) {
          tail.add(line);
          listener.logLine(req.identity(), line);
        }
      }
      exit = process.waitFor();
      reason = exit == 0 ? "Completed" : "Error";
      message = exit == 0 ? "the migration succeeded" : "the migration exited with code " + exit;
      if (lock.lost()) {
        reason = "LostLock";
        message = "the lock was lost while the migration ran (" + message + ")";
      }
    } catch (IOException e) {
      exit = 127;
      reason = "CommandNotFound";
      message = "cannot run " + req.command().get(0) + ": " + e.getMessage();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      exit = 130;
      reason = "Interrupted";
      message = "interrupted while the migration ran";
    }
    RunState state = exit == 0 && !"LostLock".equals(reason) ? RunState.SUCCEEDED : RunState.FAILED;
    RunRecord result =
        claimed.record().finished(state, clock.instant(), reason, message, exit, tail.text());
    store.update(claimed, result);
    return new RunOutcome(
        RunEngine.exitCodeOf(result),
        How.RAN,
        result,
        what(req) + (state == RunState.SUCCEEDED ? " succeeded" : " failed: " + message));
  }

  /** The outcome when the record already says how this version ended. */
  private Optional<RunOutcome> finished(RecordStore store, ExecRequest req, String hash) {
    Optional<StoredRecord> current = store.get(req.app(), req.phase(), req.version());
    if (current.isEmpty() || current.get().record().state().isActive()) {
      return Optional.empty();
    }
    RunRecord r = current.get().record();
    if (r.specHash() != null && !r.specHash().equals(hash) && r.image() == null) {
      throw new KubemigrateException(
          ExitCode.CONFLICT,
          "conflict: version "
              + req.version()
              + " of "
              + req.app()
              + " was already run with another command; a different migration needs a new"
              + " --version");
    }
    if (r.state() == RunState.SUCCEEDED) {
      return Optional.of(
          new RunOutcome(
              ExitCode.SUCCEEDED,
              How.ALREADY_SUCCEEDED,
              r,
              "already migrated: "
                  + what(req)
                  + " succeeded at "
                  + r.finishedAt()
                  + " in "
                  + r.jobName()));
    }
    return Optional.of(
        new RunOutcome(
            RunEngine.exitCodeOf(r),
            How.ALREADY_FAILED,
            r,
            what(req) + " failed at " + r.finishedAt() + ": " + r.reason() + ": " + r.message()));
  }

  private static String what(ExecRequest req) {
    return RunNames.describe(req.app(), req.phase(), req.version());
  }
}
