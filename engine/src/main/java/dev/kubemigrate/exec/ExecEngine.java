package dev.kubemigrate.exec;

import dev.kubemigrate.api.Decisions;
import dev.kubemigrate.api.ExecRequest;
import dev.kubemigrate.api.ExitCode;
import dev.kubemigrate.api.KubemigrateException;
import dev.kubemigrate.api.Reason;
import dev.kubemigrate.api.RunListener;
import dev.kubemigrate.api.RunOutcome;
import dev.kubemigrate.api.RunOutcome.How;
import dev.kubemigrate.api.RunRecord;
import dev.kubemigrate.api.RunState;
import dev.kubemigrate.api.Tool;
import dev.kubemigrate.database.DatabaseWait;
import dev.kubemigrate.database.JdbcTarget;
import dev.kubemigrate.job.RunNames;
import dev.kubemigrate.lock.AppLock;
import dev.kubemigrate.names.Hashing;
import dev.kubemigrate.notify.Notifier;
import dev.kubemigrate.record.FloorStore;
import dev.kubemigrate.record.LogTail;
import dev.kubemigrate.record.RecordStore;
import dev.kubemigrate.record.StoredRecord;
import dev.kubemigrate.run.OtherRuns;
import dev.kubemigrate.tool.SchemaProgress;
import dev.kubemigrate.tool.ToolRules;
import dev.kubemigrate.tool.ToolTables;
import dev.kubemigrate.tool.ToolWatch;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
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

  private final KubernetesClient client;
  private final Clock clock;
  private final RunListener listener;
  private volatile boolean interrupted;
  private volatile Process child;
  private boolean databaseAsked;

  public ExecEngine(KubernetesClient client, Clock clock, RunListener listener) {
    this.client = client;
    this.clock = clock;
    this.listener = listener;
  }

  /**
   * Asks a running {@link #exec} to stop (SIGTERM to the init container): the command is sent
   * SIGTERM too, the run is recorded as interrupted, and the call returns exit 130.
   */
  public void interrupt() {
    interrupted = true;
    Process p = child;
    if (p != null) {
      stop(p);
    }
  }

  /**
   * SIGTERM to the command and to what it started: a shell wrapper's children would otherwise keep
   * its output open, and the migration running, after the wrapper is gone.
   */
  private static void stop(Process p) {
    p.descendants().forEach(ProcessHandle::destroy);
    p.destroy();
  }

  /**
   * Decide what the record calls for ({@link Decisions}, as for `run`); what needs the lock is
   * decided again, and done, by its holder.
   */
  public RunOutcome exec(ExecRequest req) {
    RunOutcome outcome = execOnce(req);
    Notifier.afterRun(outcome, req.notifyUrls(), req.namespace(), listener);
    return outcome;
  }

  private RunOutcome execOnce(ExecRequest req) {
    RecordStore store = new RecordStore(client, req.namespace());
    Decisions.Ask ask =
        new Decisions.Ask(
            Hashing.sha256Hex(String.join("\u0000", req.command()), 16), false, 1, true);
    // The rollback guard first, whatever the record says: an older version's pod neither touches
    // a contracted schema nor starts on it because it migrated once.
    Optional<RunOutcome> guarded =
        new FloorStore(client, req.namespace()).refusal(req.app(), req.phase(), req.version());
    if (guarded.isPresent()) {
      return guarded.get();
    }
    Decisions.Plan plan = Decisions.decide(read(store, req), ask);
    if (!plan.action().needsLock() && plan.action() != Decisions.Action.ATTACH) {
      return report(plan, req); // no lock needed to find it done
    }
    if (plan.action() == Decisions.Action.CLAIM) {
      // Before the lock: every replica may wait for the database at once, and the one that then
      // takes the lock does not hold it idle.
      Optional<RunOutcome> notReady = awaitDatabase(req);
      if (notReady.isPresent()) {
        return notReady.get();
      }
    }
    try (AppLock lock =
        new AppLock(
            client, req.namespace(), req.lockKey(), req.identity(), clock, listener, LEASE)) {
      if (lock.acquire(req.timeout(), () -> interrupted).isEmpty()) {
        return RunOutcome.cancelled(null, "interrupted while waiting for lock " + lock.name());
      }
      listener.progress("holding lock " + lock.name() + " as " + req.identity());
      if (interrupted) {
        return RunOutcome.cancelled(null, "interrupted before the migration started");
      }
      plan = Decisions.decide(read(store, req), ask);
      switch (plan.action()) {
        case CLAIM -> {
          Optional<RunOutcome> notReady = awaitDatabase(req); // when not waited for above
          if (notReady.isPresent()) {
            return notReady.get();
          }
          OtherRuns.settle(
              store, client, req.app(), req.phase(), req.version(), clock, listener, req.timeout());
          // No run of the app is active now: a state in the tool's own table that would stop it
          // (a failed row, a held lock) is stopped here, before the tool starts, unrecorded.
          ToolWatch tools = ToolWatch.of(Tool.parse(req.tool(), "--tool"), null, req.command());
          Optional<RunOutcome> toolState =
              ToolTables.beforeMigration(
                  what(req),
                  tools.tool(),
                  JdbcTarget.find(req.database(), req.command(), req.environment()),
                  req.command(),
                  req.environment(),
                  listener);
          if (toolState.isPresent()) {
            return toolState.get();
          }
          StoredRecord claimed =
              store
                  .create(claimRecord(req, ask))
                  .orElseThrow(
                      () ->
                          new KubemigrateException(
                              ExitCode.CONFLICT,
                              "the record of "
                                  + req.version()
                                  + " appeared while holding the lock"));
          return run(store, claimed, req, lock, tools);
        }
        case RECORD_INTERRUPTED, START_CLAIMED -> {
          // Active, yet we hold the lock: its runner died half way. Say so; never run it again.
          OtherRuns.markInterrupted(store, plan.record(), clock);
          return report(Decisions.decide(read(store, req), ask), req);
        }
        default -> {
          return report(plan, req); // another replica migrated while this one waited
        }
      }
    }
  }

  /**
   * Before the command runs, once: waits up to the request's database timeout until the database
   * that the command will use accepts connections ({@link DatabaseWait}). Empty when it does, when
   * none is named, or when the wait is off; else the outcome: {@code DatabaseUnreachable} (exit 3)
   * or interrupted. Either way nothing ran and nothing is recorded, so that the pod's next start
   * tries again instead of finding a failure it never had.
   */
  private Optional<RunOutcome> awaitDatabase(ExecRequest req) {
    if (databaseAsked || req.databaseTimeout().isZero()) {
      return Optional.empty();
    }
    databaseAsked = true;
    return DatabaseWait.beforeMigration(
        what(req), req.databaseLookup(), req.databaseTimeout(), clock, listener, () -> interrupted);
  }

  private static Optional<RunRecord> read(RecordStore store, ExecRequest req) {
    return store.get(req.app(), req.phase(), req.version()).map(StoredRecord::record);
  }

  private RunRecord claimRecord(ExecRequest req, Decisions.Ask ask) {
    return RunRecord.claim(
        req.app(),
        req.phase(),
        req.version(),
        RunState.RUNNING,
        null,
        ask.specHash(),
        RunRecord.POD_PREFIX + req.identity(),
        clock.instant(),
        req.startedBy());
  }

  /** Runs the claimed command; {@code tools} reads its output for the tool's own states. */
  private RunOutcome run(
      RecordStore store, StoredRecord claimed, ExecRequest req, AppLock lock, ToolWatch tools) {
    LogTail tail = new LogTail();
    boolean stoppedForTool = false;
    listener.progress("running: " + String.join(" ", req.command()));
    Integer exit;
    Reason reason;
    String message;
    boolean started = false;
    try {
      if (interrupted) {
        // Claimed, but the command never started: nothing ran, and the record says so.
        RunRecord abandoned =
            claimed
                .record()
                .finished(
                    RunState.FAILED,
                    clock.instant(),
                    Reason.ABANDONED,
                    "interrupted before the command started: nothing ran",
                    null,
                    null);
        store.update(claimed, abandoned);
        return RunOutcome.cancelled(abandoned, what(req) + ": interrupted before it started");
      }
      Process process = new ProcessBuilder(req.command()).redirectErrorStream(true).start();
      started = true;
      child = process;
      if (interrupted) {
        stop(process);
      }
      process.getOutputStream().close();
      try (BufferedReader out =
          new BufferedReader(
              new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = out.readLine()) != null) {
          tail.add(line);
          listener.logLine(req.identity(), line);
          tools.accept(line);
          if (tools.stopNow() && !stoppedForTool) {
            // The tool waits for what will not come (its own stale lock): it would wait minutes.
            stoppedForTool = true;
            stop(process);
          }
        }
      }
      exit = process.waitFor();
      reason = exit == 0 ? Reason.COMPLETED : Reason.ERROR;
      message = exit == 0 ? "the migration succeeded" : "the migration exited with code " + exit;
      Optional<ToolRules.Finding> found = tools.finding();
      if (interrupted && exit != 0) {
        // A command that still finished with 0 did its work: that is recorded as it is.
        reason = Reason.INTERRUPTED;
        message = "interrupted while the migration ran (" + message + ")";
      } else if (found.isPresent() && (stoppedForTool || exit != 0)) {
        reason = found.get().reason();
        message =
            found.get().message()
                + (stoppedForTool ? "; stopped the command" : " (" + message + ")");
      } else if (lock.lost()) {
        reason = Reason.LOST_LOCK;
        message = "the lock was lost while the migration ran (" + message + ")";
      }
    } catch (IOException e) {
      exit = null;
      if (!started) {
        // The same as `run`'s StartError: the command is not in the image (exit 3).
        reason = Reason.COMMAND_NOT_FOUND;
        message = "cannot run " + req.command().get(0) + ": " + e.getMessage();
      } else if (interrupted) {
        // Stopping the command closed its output while it was read.
        reason = Reason.INTERRUPTED;
        message = "interrupted while the migration ran";
      } else if (stoppedForTool) {
        reason = tools.finding().orElseThrow().reason();
        message = tools.finding().orElseThrow().message() + "; stopped the command";
      } else {
        reason = Reason.ERROR;
        message = "lost the command's output while it ran: " + e.getMessage();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      exit = null;
      reason = Reason.INTERRUPTED;
      message = "interrupted while the migration ran";
    }
    RunState state = reason == Reason.COMPLETED ? RunState.SUCCEEDED : RunState.FAILED;
    RunRecord result =
        claimed.record().finished(state, clock.instant(), reason, message, exit, tail.text());
    Optional<SchemaProgress.Schema> schema = tools.schema();
    if (schema.isPresent()) {
      result = result.withSchema(schema.get().before(), schema.get().after());
    }
    store.update(claimed, result);
    String summary =
        what(req) + (state == RunState.SUCCEEDED ? " succeeded" : " failed: " + message);
    return reason == Reason.INTERRUPTED
        ? RunOutcome.cancelled(result, summary)
        : RunOutcome.of(How.RAN, result, summary);
  }

  /** The outcome when the record already says how this version ended. */
  private RunOutcome report(Decisions.Plan plan, ExecRequest req) {
    RunRecord r = plan.record();
    return switch (plan.action()) {
      case CONFLICT ->
          throw new KubemigrateException(
              ExitCode.CONFLICT,
              "conflict: version "
                  + req.version()
                  + " of "
                  + req.app()
                  + " was already run with another command; a different migration needs a new"
                  + " --version");
      case ALREADY_SUCCEEDED ->
          RunOutcome.of(
              How.ALREADY_SUCCEEDED,
              r,
              "already migrated: "
                  + what(req)
                  + " succeeded at "
                  + r.finishedAt()
                  + " in "
                  + r.jobName());
      case ALREADY_FAILED ->
          RunOutcome.of(
              How.ALREADY_FAILED,
              r,
              what(req) + " failed at " + r.finishedAt() + ": " + r.reason() + ": " + r.message());
      default ->
          throw new KubemigrateException(
              ExitCode.CONFLICT,
              "version "
                  + req.version()
                  + " of "
                  + req.app()
                  + " is being migrated by Job "
                  + r.jobName()
                  + " although this replica holds the lock: wait for it with kubemigrate await");
    };
  }

  private static String what(ExecRequest req) {
    return RunNames.describe(req.app(), req.phase(), req.version());
  }
}
