package dev.kubemigrate.run;

import dev.kubemigrate.kube.ChangeSignal;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.List;
import java.util.function.Consumer;

/**
 * The Events of one Job, through a watch: the Job controller says there, and only there, why it
 * cannot create the Job's pod ({@code FailedCreate}: a missing service account, an exceeded quota,
 * an admission webhook's refusal). Opened only by {@link #open} for a Job that has had no pod for a
 * moment, so that a run whose pod appears at once costs no request for it.
 */
final class JobEvents implements AutoCloseable {

  private final KubernetesClient client;
  private final String namespace;
  private final ChangeSignal changed;
  private final Consumer<String> unreadable;
  private SharedIndexInformer<Event> informer;
  private boolean opened;

  /** Not watching yet; {@code unreadable} hears once why the Events cannot be read, if so. */
  JobEvents(
      KubernetesClient client,
      String namespace,
      ChangeSignal changed,
      Consumer<String> unreadable) {
    this.client = client;
    this.namespace = namespace;
    this.changed = changed;
    this.unreadable = unreadable;
  }

  /** Starts watching the Events of the Job with {@code uid}; once: later calls do nothing. */
  void open(String uid) {
    if (opened) {
      return;
    }
    opened = true;
    try {
      informer =
          client
              .v1()
              .events()
              .inNamespace(namespace)
              .withField("involvedObject.uid", uid)
              .inform(changed, 0);
    } catch (KubernetesClientException e) {
      unreadable.accept(
          e.getCode() == 403
              ? "cannot read the Job's events (no permission to list and watch events in namespace "
                  + namespace
                  + "): a pod that cannot be created is seen only at the timeout"
              : "cannot read the Job's events: " + e.getMessage());
    }
  }

  /** The Job's Events, as last seen: none before {@link #open}, or when they cannot be read. */
  List<Event> events() {
    return informer == null ? List.of() : informer.getStore().list();
  }

  @Override
  public void close() {
    if (informer != null) {
      informer.close();
    }
  }
}
