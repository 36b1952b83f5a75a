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
 * name looks secret ({@code DB_PASSWORD}, {@code DB_PASS}, {@code GITHUB_TOKEN}, {@code
 * AWS_SECRET_ACCESS_KEY}, ...) is replaced by {@value #MASK}; in any other value, the credentials
 * it carries are: the password of a URL ({@code postgres://app:<redacted>@db/shop}) and a {@code
 * password=} (or {@code pwd=}, {@code token=}, ...) setting of a JDBC URL or a DSN. References
 * ({@code valueFrom}, {@code envFrom}) name where a secret is, not what it is, and are printed as
 * they are.
 */
public final class Redaction {

  /** What a secret value is printed as. */
  public static final String MASK = "<redacted>";

  private static final Pattern SECRET_NAME =
      Pattern.compile(
          "pass|pwd|secret|token|cred|apikey|api_key|private|auth|signing|(^|_)key$",
          Pattern.CASE_INSENSITIVE);

  /** The password in a URL's user info: {@code scheme://user:PASSWORD@host}. */
  private static final Pattern URL_PASSWORD = Pattern.compile("(://[^/:@\\s]*:)([^@\\s]+)(@)");

  /** A credential setting in a JDBC URL's query or a DSN: {@code password=...}. */
  private static final Pattern SETTING =
      Pattern.compile(
          "((?:^|[?&;\\s])(?:password|passwd|pwd|pass|secret|token|sslpassword)\\s*=\\s*)([^&;\\s]+)",
          Pattern.CASE_INSENSITIVE);

  private Redaction() {}

  /** Whether the value of an env var of this name must never be printed. */
  public static boolean isSecretName(String envName) {
    return envName != null && SECRET_NAME.matcher(envName).find();
  }

  /**
   * {@code value} as it may be printed: {@value #MASK} for a secret-looking name, else with the
   * credentials it carries masked; unchanged when it carries none.
   */
  public static String redactedValue(String name, String value) {
    if (value == null) {
      return null;
    }
    if (isSecretName(name)) {
      return MASK;
    }
    String masked = URL_PASSWORD.matcher(value).replaceAll("$1" + MASK + "$3");
    return SETTING.matcher(masked).replaceAll("$1" + MASK);
  }

  /**
   * A deep copy of {@code job} with the secrets in literal env values, in every container and init
   * container, replaced by {@value #MASK} (see {@link #redactedValue}). {@code job} is not changed.
   */
  public static Job redacted(Job job) {
    Job copy = new JobBuilder(job).build();
    for (EnvVar var : secretEnv(copy)) {
      var.setValue(redactedValue(var.getName(), var.getValue()));
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
        if (var.getValue() != null
            && (isSecretName(var.getName())
                || !var.getValue().equals(redactedValue(var.getName(), var.getValue())))) {
          secret.add(var);
        }
      }
    }
    return secret;
  }
}
