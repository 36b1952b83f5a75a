package dev.kubemigrate.job;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Keeps secret values out of everything kubemigrate prints: the literal value of an env var whose
 * name looks secret ({@code DB_PASSWORD}, {@code GITHUB_TOKEN}, {@code AWS_SECRET_ACCESS_KEY}, ...)
 * is replaced by {@value #MASK}. References ({@code valueFrom}, {@code envFrom}) name where a
 * secret is, not what it is, and are printed as they are.
 */
public final class Redaction {

  /** What a secret value is printed as. */
  public static final String MASK = "<redacted>";

  private static final Pattern SECRET_NAME =
      Pattern.compile(
          "password|passwd|secret|token|credential|apikey|api_key|private",
          Pattern.CASE_INSENSITIVE);

  private Redaction() {}

  /** Whether the value of an env var of this name must never be printed. */
  public static boolean isSecretName(String envName) {
    return envName != null && SECRET_NAME.matcher(envName).find();
  }

  /**
   * A deep copy of {@code job} with the literal values of secret-looking env vars, in every
   * container and init container, replaced by {@value #MASK}. {@code job} is not changed.
   */
  public static Job redacted(Job job) {
    Job copy = new JobBuilder(job).build();
    for (EnvVar var : secretEnv(copy)) {
      var.setValue(MASK);
    }
    return copy;
  }

  /**
   * The names of the env vars {@link #redacted} masks in {@code job}, in order, without repeats.
   */
  public static Set<String> secretEnvNames(Job job) {
    Set<String> names = new LinkedHashSet<>();
    for (EnvVar var : secretEnv(job)) {
      names.add(var.getName());
    }
    return names;
  }

  private static List<EnvVar> secretEnv(Job job) {
    List<EnvVar> secret = new ArrayList<>();
    if (job.getSpec() == null
        || job.getSpec().getTemplate() == null
        || job.getSpec().getTemplate().getSpec() == null) {
      return secret;
    }
    PodSpec pod = job.getSpec().getTemplate().getSpec();
    List<Container> containers = new ArrayList<>();
    if (pod.getInitContainers() != null) {
      containers.addAll(pod.getInitContainers());
    }
    if (pod.getContainers() != null) {
      containers.addAll(pod.getContainers());
    }
    for (Container container : containers) {
      if (container.getEnv() == null) {
        continue;
      }
      for (EnvVar var : container.getEnv()) {
        if (isSecretName(var.getName()) && var.getValue() != null) {
          secret.add(var);
        }
      }
    }
    return secret;
  }
}
