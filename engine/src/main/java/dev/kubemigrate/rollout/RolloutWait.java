package dev.kubemigrate.rollout;

import dev.kubemigrate.api.ExitCode;
import dev.kubemigrate.api.KubemigrateException;
import dev.kubemigrate.api.Reason;
import dev.kubemigrate.api.RunListener;
import dev.kubemigrate.kube.ApiErrors;
import dev.kubemigrate.kube.ChangeSignal;
import dev.kubemigrate.rollout.RolloutRules.State;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * Waits, watching (never polling), until the rollout of every workload the post phase names is over
 * ({@link RolloutRules}): informers on each workload and on its pods. Says what it waits for, with
 * counts, whenever that changes.
 */
public final class RolloutWait {

  /** How long the wait may stay silent: the counts are said again after this. */
  private static final Duration REPEAT = Duration.ofSeconds(30);

  /** The end of a wait: done, or why the contract must not run. */
  public record Result(Reason reason, String message) {
    public boolean done() {
      return reason == null;
    }
  }

  private final KubernetesClient client;
  private final Clock clock;
  private final RunListener listener;

  public RolloutWait(KubernetesClient client, Clock clock, RunListener listener) {
    this.client = client;
    this.clock = clock;
    this.listener = listener;
  }

  /**
   * Waits for {@code after} ({@code deployment/NAME}, {@code statefulset/NAME}) and for every
   * Deployment and StatefulSet that {@code selector} matches, to run {@code version}. {@code
   * changed} is woken by the informers, and by whoever interrupts the wait.
   */
  public Result await(
      String namespace,
      List<String> after,
      String selector,
      String version,
      Instant deadline,
      ChangeSignal changed,
      BooleanSupplier interrupted) {
    List<SharedIndexInformer<?>> informers = new ArrayList<>();
    try {
      Map<String, SharedIndexInformer<? extends HasMetadata>> workloads = new LinkedHashMap<>();
      for (String target : targets(namespace, after, selector)) {
        String[] kindName = target.split("/", 2);
        SharedIndexInformer<? extends HasMetadata> informer =
            kindName[0].equals("deployment")
                ? client
                    .apps()
                    .deployments()
                    .inNamespace(namespace)
                    .withName(kindName[1])
                    .inform(changed)
                : client
                    .apps()
                    .statefulSets()
                    .inNamespace(namespace)
                    .withName(kindName[1])
                    .inform(changed);
        informers.add(informer);
        workloads.put(target, informer);
      }
      Map<String, SharedIndexInformer<Pod>> pods = new LinkedHashMap<>();
      String said = null;
      Instant saidAt = Instant.MIN;
      while (true) {
        if (interrupted.getAsBoolean()) {
          return new Result(Reason.INTERRUPTED, "interrupted while waiting for the rollout");
        }
        List<String> waiting = new ArrayList<>();
        for (Map.Entry<String, SharedIndexInformer<? extends HasMetadata>> w :
            workloads.entrySet()) {
          Optional<? extends HasMetadata> workload =
              w.getValue().getStore().list().stream().findFirst();
          if (workload.isEmpty()) {
            waiting.add(w.getKey() + ": not found yet");
            continue;
          }
          LabelSelector podSelector = podSelector(workload.get());
          SharedIndexInformer<Pod> podInformer =
              pods.computeIfAbsent(
                  w.getKey(),
                  k -> {
                    SharedIndexInformer<Pod> i =
                        client
                            .pods()
                            .inNamespace(namespace)
                            .withLabelSelector(podSelector)
                            .inform(changed);
                    informers.add(i);
                    return i;
                  });
          State state = RolloutRules.state(workload.get(), podInformer.getStore().list(), version);
          if (state instanceof State.Failed failed) {
            return new Result(failed.reason(), failed.message());
          }
          if (state instanceof State.Waiting) {
            waiting.add(state.message());
          }
        }
        if (waiting.isEmpty()) {
          listener.progress(
              "rollout of "
                  + version
                  + " done: "
                  + String.join(", ", workloads.keySet())
                  + ", no pod of an older version left");
          return new Result(null, null);
        }
        String now = "waiting for " + String.join("; ", waiting);
        Instant t = clock.instant();
        if (!now.equals(said) || Duration.between(saidAt, t).compareTo(REPEAT) >= 0) {
          listener.progress(now);
          said = now;
          saidAt = t;
        }
        if (!t.isBefore(deadline)) {
          return new Result(
              Reason.ROLLOUT_TIMED_OUT,
              "the rollout of "
                  + version
                  + " did not finish in time (--rollout-timeout, spec.rolloutTimeout): "
                  + now);
        }
        Duration left = Duration.between(t, deadline);
        changed.await(left.compareTo(REPEAT) < 0 ? left : REPEAT);
      }
    } catch (KubernetesClientException e) {
      throw ApiErrors.translate(
          client, e, "watch", "deployments, statefulsets and their pods", namespace);
    } finally {
      informers.forEach(SharedIndexInformer::close);
    }
  }

  /** The named workloads, then those the selector matches; each must exist now. */
  private List<String> targets(String namespace, List<String> after, String selector) {
    List<String> targets = new ArrayList<>(after);
    if (selector != null) {
      List<HasMetadata> matched = new ArrayList<>();
      matched.addAll(
          client
              .apps()
              .deployments()
              .inNamespace(namespace)
              .withLabelSelector(selector)
              .list()
              .getItems());
      matched.addAll(
          client
              .apps()
              .statefulSets()
              .inNamespace(namespace)
              .withLabelSelector(selector)
              .list()
              .getItems());
      if (matched.isEmpty()) {
        throw new KubemigrateException(
            ExitCode.NOT_FOUND,
            "no Deployment or StatefulSet in namespace "
                + namespace
                + " matches --after-selector "
                + selector
                + ": fix the selector, or name the workloads with --after");
      }
      matched.stream()
          .map(RolloutRules::describe)
          .filter(t -> !targets.contains(t))
          .forEach(targets::add);
    }
    return targets;
  }

  private static LabelSelector podSelector(HasMetadata workload) {
    return workload instanceof Deployment d
        ? d.getSpec().getSelector()
        : ((StatefulSet) workload).getSpec().getSelector();
  }

  /** {@code deployment/NAME} or {@code statefulset/NAME}, normalised; or a usage error. */
  public static String target(String text, String what) {
    String[] kindName = text == null ? new String[0] : text.split("/", 2);
    if (kindName.length == 2 && !kindName[1].isBlank()) {
      String kind =
          switch (kindName[0].toLowerCase(java.util.Locale.ROOT)) {
            case "deployment", "deployments", "deploy" -> "deployment";
            case "statefulset", "statefulsets", "sts" -> "statefulset";
            default -> null;
          };
      if (kind != null && dev.kubemigrate.names.KubernetesNames.isDnsSubdomain(kindName[1])) {
        return kind + "/" + kindName[1];
      }
    }
    throw KubemigrateException.usage(
        "invalid %s '%s': use deployment/NAME or statefulset/NAME", what, text);
  }
}
