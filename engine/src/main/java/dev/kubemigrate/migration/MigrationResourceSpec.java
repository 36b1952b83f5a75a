package dev.kubemigrate.migration;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.kubemigrate.api.Durations;
import dev.kubemigrate.api.KubemigrateException;
import dev.kubemigrate.api.MigrationSpec;
import dev.kubemigrate.api.Phase;
import dev.kubemigrate.api.PreflightMode;
import io.fabric8.crd.generator.annotation.PreserveUnknownFields;
import io.fabric8.crd.generator.annotation.PrinterColumn;
import io.fabric8.crd.generator.annotation.SchemaFrom;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.Toleration;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The spec of a {@code Migration}: what {@code kubemigrate run -f} reads and what the operator
 * reconciles. One shape for both, so a file and a resource mean the same migration. Durations are
 * strings such as {@code "10m"}; everything else takes the standard Kubernetes shapes.
 *
 * @param attempt the attempt wanted: a failed version is not run again until this is raised above
 *     the attempt that failed (default 1)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record MigrationResourceSpec(
    @Required @PrinterColumn(name = "App") @JsonPropertyDescription("The application migrated.")
        String app,
    @PrinterColumn(name = "Version")
        @JsonPropertyDescription("The app version this migration is for (default: the image tag).")
        String version,
    @JsonPropertyDescription(
            "pre (default): before the rollout; post: after it (the contract); down: undoes a"
                + " contract.")
        String phase,
    @Required @JsonPropertyDescription("The migration image.") String image,
    List<String> command,
    List<String> args,
    List<EnvVar> env,
    List<EnvFromSource> envFrom,
    String serviceAccountName,
    @JsonPropertyDescription("How long the migration may run, e.g. 10m (default 10m).")
        String timeout,
    @Min(0) @JsonPropertyDescription("Pod retries within one attempt (Job backoffLimit).")
        Integer retries,
    @JsonPropertyDescription("How long a pod may fail to start before the run fails (default 2m).")
        String startupGrace,
    String ttlAfterFinished,
    ResourceRequirements resources,
    Map<String, String> nodeSelector,
    List<Toleration> tolerations,
    List<PullSecret> imagePullSecrets,
    String imagePullPolicy,
    // Schema-less on purpose: the whole PodSpec schema would make the CRD 160 KB, past what
    // `kubectl apply` can store in its last-applied annotation. The engine validates it instead.
    @PreserveUnknownFields
        @SchemaFrom(type = Object.class)
        @JsonPropertyDescription("A pod template merged under the migration's pod.")
        PodTemplateSpec podTemplate,
    @Min(1)
        @JsonPropertyDescription(
            "The attempt wanted (default 1): raise it to run a failed version again.")
        Integer attempt,
    @JsonPropertyDescription(
            "auto (default): before anything is created, check what the pod needs and the"
                + " identity may read; strict: a check it may not make is a problem too; off.")
        String preflight,
    @JsonPropertyDescription(
            "Post phase: deployment/NAME or statefulset/NAME whose rollout to this version must be"
                + " over (no pod of an older version left) before the contract runs.")
        List<String> after,
    @JsonPropertyDescription(
            "Post phase: a label selector of more Deployments and StatefulSets to wait for.")
        String afterSelector,
    @JsonPropertyDescription("Post phase: how long to wait for the rollout, e.g. 30m (default).")
        String rolloutTimeout,
    @JsonPropertyDescription(
            "Post and down phases: the oldest app version the schema serves once this succeeded"
                + " (post: default this version); older versions are refused.")
        String compatibleFrom,
    @JsonPropertyDescription(
            "Before the migration starts, its pod waits for the database to accept connections"
                + " (an init container of kubemigrate's image); {} waits with the defaults.")
        WaitForDatabase waitForDatabase,
    @JsonPropertyDescription(
            "The migration tool whose output is read for states of its tables that need a person:"
                + " auto (default: from the image or command), flyway, liquibase, golang-migrate,"
                + " none.")
        String tool,
    @JsonProperty("notify")
        @JsonPropertyDescription(
            "URLs that the run posts its result to when it ends: Slack-compatible JSON (text"
                + " plus fields); the operator's --notify URLs are added. Never changes the"
                + " result.")
        List<String> notifyUrls) {

  /** {@code spec.waitForDatabase}: see {@link MigrationSpec.WaitForDatabase}. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record WaitForDatabase(
      @JsonPropertyDescription("How long the pod waits, e.g. 2m (default).") String timeout,
      @JsonPropertyDescription(
              "The database (default: read from the migration's -url/--url/-database, FLYWAY_URL,"
                  + " LIQUIBASE_COMMAND_URL, DATABASE_URL or PGHOST).")
          String url,
      @JsonPropertyDescription(
              "kubemigrate's image for the init container (default: the operator's own image,"
                  + " $KUBEMIGRATE_IMAGE).")
          String image) {}

  /** The engine's spec, with defaults applied and not yet validated. */
  public MigrationSpec toMigrationSpec() {
    return MigrationSpec.builder()
        .app(app)
        .version(version)
        .phase(phase == null ? null : Phase.parse(phase))
        .image(image)
        .command(command)
        .args(args)
        .env(env)
        .envFrom(envFrom)
        .serviceAccountName(serviceAccountName)
        .timeout(duration(timeout, "spec.timeout", false))
        .retries(retries == null ? 0 : retries)
        .startupGrace(duration(startupGrace, "spec.startupGrace", true))
        .ttlAfterFinished(duration(ttlAfterFinished, "spec.ttlAfterFinished", true))
        .resources(resources)
        .nodeSelector(nodeSelector)
        .tolerations(tolerations)
        .imagePullSecrets(
            imagePullSecrets == null
                ? null
                : imagePullSecrets.stream().map(s -> s == null ? null : s.name()).toList())
        .imagePullPolicy(imagePullPolicy)
        .podTemplate(podTemplate)
        .after(after == null ? null : after.stream().map(MigrationSpec::validateWorkload).toList())
        .afterSelector(afterSelector)
        .rolloutTimeout(duration(rolloutTimeout, "spec.rolloutTimeout", false))
        .compatibleFrom(compatibleFrom)
        .waitForDatabase(
            waitForDatabase == null
                ? null
                : new MigrationSpec.WaitForDatabase(
                    duration(waitForDatabase.timeout(), "spec.waitForDatabase.timeout", false),
                    waitForDatabase.url(),
                    waitForDatabase.image()))
        .tool(tool)
        .notifyUrls(notifyUrls)
        .build();
  }

  /** {@code spec.preflight}: auto when not set. */
  public PreflightMode preflightMode() {
    return preflight == null
        ? PreflightMode.AUTO
        : PreflightMode.parse(preflight, "spec.preflight");
  }

  /** The attempt wanted, 1 when not set. */
  public int wantedAttempt() {
    if (attempt == null) {
      return 1;
    }
    if (attempt < 1) {
      throw KubemigrateException.usage("invalid spec.attempt %d: use 1 or more", attempt);
    }
    return attempt;
  }

  private static Duration duration(String text, String field, boolean allowZero) {
    return text == null ? null : Durations.parse(text, field, allowZero);
  }

  /** An image pull secret, written as a name or as {@code {name: ...}}. */
  public record PullSecret(String name) {

    @JsonCreator(mode = JsonCreator.Mode.PROPERTIES)
    public PullSecret(@JsonProperty("name") String name) {
      this.name = name;
    }

    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    static PullSecret of(String name) {
      return new PullSecret(name);
    }
  }
}
