package dev.kubemigrate.await;

import dev.kubemigrate.job.Durations;
import dev.kubemigrate.job.Phase;
import dev.kubemigrate.job.RunNames;
import dev.kubemigrate.kube.ApiErrors;
import dev.kubemigrate.kube.ChangeSignal;
import dev.kubemigrate.outcome.ExitCode;
import dev.kubemigrate.record.RecordCodec;
import dev.kubemigrate.record.RunRecord;
import dev.kubemigrate.record.RunState;
import dev.kubemigrate.run.RunEngine;
import dev.kubemigrate.run.RunListener;
import dev.kubemigrate.run.RunOutcome;
import dev.kubemigrate.run.RunOutcome.How;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * The engine behind `kubemigrate await`: blocks until the record of (app, phase, version) says the
 * migration succeeded (exit 0) or failed (exit as `run` would, at once, with the reason and log
 * tail). It reads only the record, never the Job, so it works after the Job's clean-up. It watches
 * the record; it does not poll.
 */
public final class AwaitEngine {

  private final KubernetesClient client;
  private final Clock clock;
  private final RunListener listener;
  private final ChangeSignal changed = new ChangeSignal();
  private volatile boolean interrupted;

  public AwaitEngine(KubernetesClient client, Clock clock, RunListener listener) {
    this.client = client;
    this.clock = clock;
    this.listener = listener;
  }

  public void interrupt() {
    interrupted = true;
    changed.wake();
  }

  public RunOutcome await(
      String namespace, String app, Phase phase, String version, Duration timeout) {
    String name = RecordCodec.name(app, phase, version);
    String what = RunNames.describe(app, phase, version);
    Instant deadline = clock.instant().plus(timeout);
    SharedIndexInformer<ConfigMap> records = null;
    try {
      records = client.configMaps().inNamespace(namespace).withName(name).inform(changed, 0);
      String shown = null;
      while (!interrupted) {
        RunRecord r =
            records.getStore().list().stream()
                .findFirst()
                .map(RecordCodec::fromConfigMap)
                .orElse(null);
        String state = r == null ? "absent" : r.state() + "/" + r.attempt();
        if (!state.equals(shown)) {
          shown = state;
          listener.progress(describe(what, r, namespace + "/" + name));
        }
        if (r != null && r.state() == RunState.SUCCEEDED) {
          return new RunOutcome(
              ExitCode.SUCCEEDED, How.AWAITED, r, what + " succeeded at " + r.finishedAt());
        }
        if (r != null && r.state() == RunState.FAILED) {
          return new RunOutcome(
              RunEngine.exitCodeOf(r),
              How.AWAITED,
              r,
              what
                  + " failed at "
                  + r.finishedAt()
                  + ": "
                  + r.reason()
                  + ": "
                  + r.message()
                  + "; this version cannot start until it is migrated");
        }
        if (clock.instant().isAfter(deadline)) {
          return new RunOutcome(
              ExitCode.TIMED_OUT,
              How.AWAITED,
              r,
              what
                  + " did not succeed within "
                  + Durations.format(timeout)
                  + (r == null
                      ? ": it was never started"
                      : ": it is still " + r.state().display().toLowerCase(java.util.Locale.ROOT)));
        }
        if (!changed.await(Duration.ofSeconds(1))) {
          break;
        }
      }
      return new RunOutcome(
          ExitCode.INTERRUPTED, How.INTERRUPTED, null, "interrupted while waiting for the " + what);
    } catch (KubernetesClientException e) {
      throw ApiErrors.translate(e, "watch", "configmaps", namespace);
    } finally {
      if (records != null) {
        records.close();
      }
    }
  }

  private static String describe(String what, RunRecord r, String recordRef) {
    if (r == null) {
      return "waiting for the "
          + what
          + ": it has not started yet (no record "
          + recordRef
          + "); run `kubemigrate run`, or apply a Migration, for this version";
    }
    return switch (r.state()) {
      case PENDING, RUNNING ->
          "waiting for the "
              + what
              + ": running since "
              + r.startedAt()
              + " (Job "
              + r.jobName()
              + ", attempt "
              + r.attempt()
              + ", started by "
              + r.startedBy()
              + ")";
      case SUCCEEDED -> "the " + what + " has succeeded";
      case FAILED -> "the " + what + " has failed";
    };
  }
}
