package dev.kubemigrate.run;

import dev.kubemigrate.kube.ChangeSignal;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.List;

/**
 * The Events of one Job, through a watch: the Job controller says there, and only there, why it
 * cannot create the Job's pod ({@code FailedCreate}: a missing service account, an exceeded quota,
 * an admission webhook's refusal). Opened only for a Job that has had no pod for a moment, so that
 * a run whose pod appears at once costs no request for it.
 */
final class JobEvents implements AutoCloseable {

  /** No events: not opened yet, or the identity may not read them. */
  static final JobEvents NONE = new JobEvents(null);

  private final SharedIndexInformer<Event> informer;

  private JobEvents(SharedIndexInformer<Event> informer) {
    this.informer = informer;
  }

  /**
   * Watches the Events whose object is the Job with {@code uid}; {@link #NONE} when the identity
   * may not list them (the reason is then given to {@code unreadable}).
   */
  static JobEvents open(
      KubernetesClient client,
      String namespace,
      String uid,
      ChangeSignal changed,
      java.util.function.Consumer<String> unreadable) {
    try {
      return new JobEvents(
          client
              .v1()
              .events()
              .inNamespace(namespace)
              .withField("involvedObject.uid", uid)
              .inform(changed, 0));
    } catch (KubernetesClientException e) {
      unreadable.accept(
          e.getCode() == 403
              ? "cannot read the Job's events (no permission to list and watch events in namespace "
                  + namespace
                  + "): a pod that cannot be created is seen only at the timeout"
              : "cannot read the Job's events: " + e.getMessage());
      return NONE;
    }
  }

  /** The Job's Events, as last seen: no request. */
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
