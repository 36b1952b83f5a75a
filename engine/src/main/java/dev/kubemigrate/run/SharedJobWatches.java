package dev.kubemigrate.run;

import dev.kubemigrate.job.Labels;
import dev.kubemigrate.kube.ApiErrors;
import dev.kubemigrate.kube.ChangeSignal;
import dev.kubemigrate.kube.LeanStore;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One Job informer and one pod informer (label {@code app.kubernetes.io/managed-by=kubemigrate})
 * per watched namespace, or across all namespaces, shared by every run of an operator: a run reads
 * its Job and pods from their caches and is woken when they change, at no request of its own.
 */
public final class SharedJobWatches implements JobWatches {

  private static final String BY_JOB = "kubemigrate-job";

  private final List<SharedIndexInformer<Job>> jobs = new ArrayList<>();
  private final List<SharedIndexInformer<Pod>> pods = new ArrayList<>();
  private final Map<String, Set<ChangeSignal>> waiting = new ConcurrentHashMap<>();

  /**
   * @param namespaces the namespaces to watch; empty: all of them
   */
  public SharedJobWatches(KubernetesClient client, List<String> namespaces) {
    try {
      if (namespaces.isEmpty()) {
        jobs.add(
            LeanStore.of(
                client
                    .batch()
                    .v1()
                    .jobs()
                    .inAnyNamespace()
                    .withLabel(Labels.MANAGED_BY, Labels.MANAGED_BY_VALUE)
                    .runnableInformer(0)));
        pods.add(
            LeanStore.of(
                client
                    .pods()
                    .inAnyNamespace()
                    .withLabel(Labels.MANAGED_BY, Labels.MANAGED_BY_VALUE)
                    .runnableInformer(0)));
      } else {
        for (String ns : namespaces) {
          jobs.add(
              LeanStore.of(
                  client
                      .batch()
                      .v1()
                      .jobs()
                      .inNamespace(ns)
                      .withLabel(Labels.MANAGED_BY, Labels.MANAGED_BY_VALUE)
                      .runnableInformer(0)));
          pods.add(
              LeanStore.of(
                  client
                      .pods()
                      .inNamespace(ns)
                      .withLabel(Labels.MANAGED_BY, Labels.MANAGED_BY_VALUE)
                      .runnableInformer(0)));
        }
      }
      for (SharedIndexInformer<Pod> p : pods) {
        p.addIndexers(Map.of(BY_JOB, pod -> List.of(jobKey(pod))));
        p.addEventHandler(wake(SharedJobWatches::jobKey));
      }
      for (SharedIndexInformer<Job> j : jobs) {
        j.addEventHandler(
            wake(job -> key(job.getMetadata().getNamespace(), job.getMetadata().getName())));
      }
      jobs.forEach(i -> i.start().toCompletableFuture().join());
      pods.forEach(i -> i.start().toCompletableFuture().join());
    } catch (RuntimeException e) {
      close(); // none left running behind a failed start
      Throwable cause =
          e instanceof java.util.concurrent.CompletionException && e.getCause() != null
              ? e.getCause()
              : e;
      if (cause instanceof KubernetesClientException k) {
        throw ApiErrors.translate(
            client, k, "watch", "jobs and pods", String.join(",", namespaces));
      }
      throw e;
    }
  }

  @Override
  public View open(String namespace, String jobName, ChangeSignal changed) {
    String key = key(namespace, jobName);
    waiting.compute(
        key,
        (k, signals) -> {
          Set<ChangeSignal> set = signals == null ? ConcurrentHashMap.newKeySet() : signals;
          set.add(changed);
          return set;
        });
    return new View() {
      @Override
      public Job job() {
        for (SharedIndexInformer<Job> j : jobs) {
          Job job = j.getStore().getByKey(key);
          if (job != null) {
            return job;
          }
        }
        return null;
      }

      @Override
      public List<Pod> pods() {
        List<Pod> all = new ArrayList<>();
        for (SharedIndexInformer<Pod> p : pods) {
          all.addAll(p.getIndexer().byIndex(BY_JOB, key));
        }
        return all;
      }

      @Override
      public Pod pod(String name) {
        for (SharedIndexInformer<Pod> p : pods) {
          Pod pod = p.getStore().getByKey(namespace + "/" + name);
          if (pod != null) {
            return pod;
          }
        }
        return null;
      }

      @Override
      public void close() {
        waiting.computeIfPresent(
            key,
            (k, signals) -> {
              signals.remove(changed);
              return signals.isEmpty() ? null : signals;
            });
      }
    };
  }

  @Override
  public void close() {
    jobs.forEach(SharedIndexInformer::close);
    pods.forEach(SharedIndexInformer::close);
  }

  private <T extends HasMetadata> ResourceEventHandler<T> wake(
      java.util.function.Function<T, String> keyOf) {
    return new ResourceEventHandler<>() {
      @Override
      public void onAdd(T obj) {
        signal(keyOf.apply(obj));
      }

      @Override
      public void onUpdate(T oldObj, T newObj) {
        signal(keyOf.apply(newObj));
      }

      @Override
      public void onDelete(T obj, boolean deletedFinalStateUnknown) {
        signal(keyOf.apply(obj));
      }
    };
  }

  private void signal(String key) {
    Set<ChangeSignal> signals = waiting.get(key);
    if (signals != null) {
      signals.forEach(ChangeSignal::wake);
    }
  }

  private static String jobKey(Pod pod) {
    Map<String, String> labels = pod.getMetadata().getLabels();
    String job = labels == null ? null : labels.get("job-name");
    return key(pod.getMetadata().getNamespace(), job == null ? "" : job);
  }

  private static String key(String namespace, String name) {
    return namespace + "/" + name;
  }
}
