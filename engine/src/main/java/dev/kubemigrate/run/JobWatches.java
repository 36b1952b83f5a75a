package dev.kubemigrate.run;

import dev.kubemigrate.kube.ChangeSignal;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.List;

/**
 * Where the engine sees a run's Job and its pods, always through watches (informers), never by
 * polling. One `run` opens its own informers for its one Job ({@link #perRun}); the operator, which
 * drives many runs at once, shares one Job informer and one pod informer among them all ({@link
 * SharedJobWatches}), so that a run costs no list or watch of its own.
 */
public interface JobWatches extends AutoCloseable {

  /** What one run sees of its Job, as last seen: no request. */
  interface View extends AutoCloseable {
    /** The Job, or null before it is seen (or once it is gone). */
    Job job();

    /** The Job's pods. */
    List<Pod> pods();

    /** One of the Job's pods by name, or null. */
    Pod pod(String name);

    @Override
    void close();
  }

  /** Starts seeing the Job {@code namespace/jobName} and its pods; wakes {@code changed}. */
  View open(String namespace, String jobName, ChangeSignal changed);

  @Override
  default void close() {}

  /** Informers of its own for each run: what one `run` process needs. */
  static JobWatches perRun(KubernetesClient client) {
    return (namespace, jobName, changed) -> {
      SharedIndexInformer<Job> jobs =
          client.batch().v1().jobs().inNamespace(namespace).withName(jobName).inform(changed, 0);
      SharedIndexInformer<Pod> pods;
      try {
        pods =
            client.pods().inNamespace(namespace).withLabel("job-name", jobName).inform(changed, 0);
      } catch (RuntimeException e) {
        jobs.close();
        throw e;
      }
      return new View() {
        @Override
        public Job job() {
          return jobs.getStore().list().stream().findFirst().orElse(null);
        }

        @Override
        public List<Pod> pods() {
          return pods.getStore().list();
        }

        @Override
        public Pod pod(String name) {
          return pods.getStore().getByKey(namespace + "/" + name);
        }

        @Override
        public void close() {
          jobs.close();
          pods.close();
        }
      };
    };
  }
}
