package dev.kubemigrate.record;

import dev.kubemigrate.api.Phase;
import dev.kubemigrate.api.RunRecord;
import dev.kubemigrate.kube.ApiErrors;
import dev.kubemigrate.kube.ChangeSignal;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Watches one run's record (an informer: list, then watch, re-list after a dropped connection), so
 * that a caller waiting for it to change reads a cache instead of asking the API server again.
 * `await` waits here for a run to settle; `run` and `exec` use it to stop waiting for the lock once
 * another caller has claimed the version.
 */
public final class RecordWatch implements AutoCloseable {

  private final SharedIndexInformer<ConfigMap> informer;
  private final ChangeSignal changed;

  private RecordWatch(SharedIndexInformer<ConfigMap> informer, ChangeSignal changed) {
    this.informer = informer;
    this.changed = changed;
  }

  /** Starts watching the record of (app, phase, version); {@code changed} is woken on changes. */
  public static RecordWatch open(
      KubernetesClient client,
      String namespace,
      String app,
      Phase phase,
      String version,
      ChangeSignal changed) {
    try {
      return new RecordWatch(
          client
              .configMaps()
              .inNamespace(namespace)
              .withName(RecordCodec.name(app, phase, version))
              .inform(changed, 0),
          changed);
    } catch (KubernetesClientException e) {
      throw ApiErrors.translate(client, e, "watch", "configmaps", namespace);
    }
  }

  /** The record as last seen, without a request. */
  public Optional<RunRecord> current() {
    return informer.getStore().list().stream().findFirst().map(RecordCodec::fromConfigMap);
  }

  /**
   * Waits until {@code done} holds for the record (present or not), {@code deadline} passes, or
   * {@code stop} says so; {@code seen} hears every state it passes through. Returns the record as
   * it was when the wait ended.
   */
  public Optional<RunRecord> awaitUntil(
      Predicate<Optional<RunRecord>> done,
      Instant deadline,
      Clock clock,
      BooleanSupplier stop,
      Consumer<Optional<RunRecord>> seen) {
    while (true) {
      Optional<RunRecord> r = current();
      seen.accept(r);
      if (done.test(r) || stop.getAsBoolean() || !clock.instant().isBefore(deadline)) {
        return r;
      }
      Duration left = Duration.between(clock.instant(), deadline);
      if (!changed.await(
          left.compareTo(Duration.ofSeconds(1)) < 0 ? left : Duration.ofSeconds(1))) {
        return r;
      }
    }
  }

  @Override
  public void close() {
    informer.close();
  }
}
