package dev.kubemigrate.cli;

import dev.kubemigrate.api.Durations;
import dev.kubemigrate.api.ImageReference;
import dev.kubemigrate.api.KubemigrateException;
import dev.kubemigrate.api.MigrationSpec;
import dev.kubemigrate.api.Phase;
import dev.kubemigrate.api.PreflightMode;
import dev.kubemigrate.api.Webhooks;
import dev.kubemigrate.file.MigrationFile;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvFromSourceBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The flags that say what to migrate, shared by {@code run} and {@code render}. {@link #toSpec()}
 * turns them into a validated {@link MigrationSpec}.
 *
 * <p>With {@code -f FILE}, the file is the starting point and every flag given alongside it
 * overrides the file's field: scalars replace it, {@code --env} replaces a variable of the same
 * name (or adds one), {@code --env-from}, {@code --image-pull-secret} and {@code --node-selector}
 * add to the file's, {@code --pod-template} replaces the file's template, and {@code -- ARG...}
 * replaces its args (its command, with {@code --command}). {@code --image} without {@code
 * --version} takes the version from that image, not from the file, since a new image is a new
 * release.
 */
final class MigrationOptions {

  @Option(
      names = {"-f", "--filename"},
      paramLabel = "FILE",
      description = "Migration file (kind: Migration); flags given with it override its fields.")
  private Path file;

  @Option(
      names = "--app",
      paramLabel = "APP",
      description = "The app being released (a DNS-1123 label).")
  private String app;

  // A plain option: the top-level command's --version (print kubemigrate's) does not reach here.
  @Option(
      names = "--version",
      paramLabel = "VER",
      description = "The app version being released (default: the image's tag, else its digest).")
  private String version;

  @Option(names = "--image", paramLabel = "IMAGE", description = "The migration's image.")
  private String image;

  @Option(
      names = "--phase",
      paramLabel = "pre|post",
      description = "pre: before the rollout (default); post: after it.")
  private String phase;

  @Option(
      names = "--timeout",
      paramLabel = "DURATION",
      description = "Time allowed for the whole run, e.g. 90s, 10m, 1h30m (default: 10m).")
  private String timeout;

  @Option(
      names = "--retries",
      paramLabel = "N",
      description = "Retries of a failed pod, 0 to 20: the Job's backoffLimit (default: 0).")
  private Integer retries;

  @Option(
      names = "--startup-grace",
      paramLabel = "DURATION",
      description = "How long a pod may fail to pull or schedule before giving up (default: 2m).")
  private String startupGrace;

  @Option(
      names = "--ttl",
      paramLabel = "DURATION",
      description = "How long Kubernetes keeps the finished Job (default: 24h).")
  private String ttl;

  @Option(
      names = "--env",
      paramLabel = "NAME=VALUE",
      description = "Environment variable; repeatable. NAME= sets an empty value.")
  private List<String> env = new ArrayList<>();

  @Option(
      names = "--env-from",
      paramLabel = "secret/NAME|configmap/NAME",
      description = "Every key of a secret or config map as env vars; repeatable.")
  private List<String> envFrom = new ArrayList<>();

  @Option(
      names = "--service-account",
      paramLabel = "SA",
      description = "The pod's service account.")
  private String serviceAccount;

  @Option(
      names = "--pod-template",
      paramLabel = "FILE",
      description =
          "Pod template to merge over (a template, PodTemplate, Pod or Job); its container"
              + " 'migrate', if any, is the one configured.")
  private Path podTemplate;

  @Option(
      names = "--image-pull-secret",
      paramLabel = "NAME",
      description = "Secret to pull the image with; repeatable.")
  private List<String> imagePullSecrets = new ArrayList<>();

  @Option(
      names = "--image-pull-policy",
      paramLabel = "POLICY",
      description = "Always, IfNotPresent or Never (default: the cluster's).")
  private String imagePullPolicy;

  @Option(
      names = "--node-selector",
      paramLabel = "KEY=VALUE",
      description = "Node label the pod must run on; repeatable.")
  private List<String> nodeSelector = new ArrayList<>();

  @Option(
      names = "--after",
      paramLabel = "KIND/NAME",
      description =
          "Post phase: wait until the rollout of deployment/NAME or statefulset/NAME to this"
              + " version is over, no pod of an older version left; repeatable.")
  private List<String> after = new ArrayList<>();

  @Option(
      names = "--after-selector",
      paramLabel = "SELECTOR",
      description =
          "Post phase: wait for every Deployment and StatefulSet this label selector matches,"
              + " e.g. app=shop.")
  private String afterSelector;

  @Option(
      names = "--rollout-timeout",
      paramLabel = "DURATION",
      description = "Post phase: how long to wait for the rollout (default 30m).")
  private String rolloutTimeout;

  @Option(
      names = "--compatible-from",
      paramLabel = "VERSION",
      description =
          "Post and down phases: the oldest app version the schema serves once this succeeded"
              + " (post: default this version). Older versions are then refused (rollback"
              + " guard).")
  private String compatibleFrom;

  @Option(
      names = "--tool",
      paramLabel = "TOOL",
      description =
          "The migration tool whose output is read for states of its tables that need a person:"
              + " auto (default: from the image or command), flyway, liquibase, golang-migrate,"
              + " none.")
  private String tool;

  @Option(
      names = "--notify",
      paramLabel = "URL",
      description =
          "When a run this call started ends, post its result to URL: Slack-compatible JSON (text"
              + " plus fields); repeatable; also $KUBEMIGRATE_NOTIFY and spec.notify. Never"
              + " changes the result or the exit code.")
  private List<String> notify = new ArrayList<>();

  @Option(
      names = "--wait-for-db",
      description =
          "Before the migration starts, its pod waits for the database to accept connections (an"
              + " init container of kubemigrate's image: --kubemigrate-image).")
  private boolean waitForDb;

  @Option(
      names = "--db",
      paramLabel = "URL",
      description =
          "With --wait-for-db: the database (default: the migration's -url/--url/-database,"
              + " FLYWAY_URL, LIQUIBASE_COMMAND_URL, DATABASE_URL or PGHOST).")
  private String db;

  @Option(
      names = "--db-timeout",
      paramLabel = "DURATION",
      description = "With --wait-for-db: how long the pod waits for the database (default 2m).")
  private String dbTimeout;

  @Option(
      names = "--kubemigrate-image",
      paramLabel = "IMAGE",
      description =
          "kubemigrate's own image, for the pod's init containers: --wait-for-db's, and on"
              + " Kubernetes before 1.26 the start gate that lets one pod start the migration"
              + " (default: $KUBEMIGRATE_IMAGE).")
  private String kubemigrateImage;

  @Option(
      names = "--cpu",
      paramLabel = "QUANTITY",
      description = "CPU request and limit, e.g. 500m.")
  private String cpu;

  @Option(
      names = "--memory",
      paramLabel = "QUANTITY",
      description = "Memory request and limit, e.g. 512Mi.")
  private String memory;

  @Option(
      names = "--command",
      description = "The ARGs after -- replace the image's entrypoint instead of being its args.")
  private boolean command;

  @Parameters(
      paramLabel = "ARG",
      arity = "0..*",
      description = "After --: the container's args (its command, with --command).")
  private List<String> args = new ArrayList<>();

  // Read once: toSpec() and namespaceFromFile() both need it.
  private MigrationFile parsedFile;

  /**
   * The validated spec the flags (and the {@code -f} file, if any) describe.
   *
   * @throws KubemigrateException a usage error naming the flag or field that is wrong
   */
  MigrationSpec toSpec() {
    MigrationFile fromFile = migrationFile();
    MigrationSpec.Builder spec =
        fromFile == null ? MigrationSpec.builder() : fromFile.spec().toBuilder();
    if (app != null) {
      spec.app(app);
    }
    if (image != null) {
      spec.image(image).version(null);
    }
    if (version != null) {
      spec.version(version);
    }
    if (phase != null) {
      spec.phase(Phase.parse(phase));
    }
    if (timeout != null) {
      spec.timeout(Durations.parse(timeout, "--timeout"));
    }
    if (retries != null) {
      spec.retries(retries);
    }
    if (startupGrace != null) {
      spec.startupGrace(Durations.parse(startupGrace, "--startup-grace", true));
    }
    if (ttl != null) {
      spec.ttlAfterFinished(Durations.parse(ttl, "--ttl", true));
    }
    applyEnv(spec);
    envFrom.forEach(source -> spec.addEnvFrom(envFromSource(source)));
    if (serviceAccount != null) {
      spec.serviceAccountName(serviceAccount);
    }
    if (podTemplate != null) {
      spec.podTemplate(MigrationFile.readPodTemplate(podTemplate));
    }
    imagePullSecrets.forEach(spec::addImagePullSecret);
    if (imagePullPolicy != null) {
      spec.imagePullPolicy(pullPolicy(imagePullPolicy));
    }
    for (String pair : nodeSelector) {
      String[] keyValue = keyValue(pair, "--node-selector", "KEY=VALUE");
      spec.putNodeSelector(keyValue[0], keyValue[1]);
    }
    if (cpu != null || memory != null) {
      spec.resources(resources(fromFile == null ? null : fromFile.spec().resources()));
    }
    if (!after.isEmpty()) {
      spec.after(after.stream().map(MigrationSpec::validateWorkload).toList());
    }
    if (afterSelector != null) {
      spec.afterSelector(afterSelector);
    }
    if (rolloutTimeout != null) {
      spec.rolloutTimeout(Durations.parse(rolloutTimeout, "--rollout-timeout"));
    }
    if (compatibleFrom != null) {
      spec.compatibleFrom(compatibleFrom);
    }
    applyWaitForDatabase(spec, fromFile);
    if (tool != null) {
      spec.tool(tool);
    }
    List<String> urls =
        new ArrayList<>(fromFile == null ? List.of() : fromFile.spec().notifyUrls());
    urls.addAll(notify);
    spec.notifyUrls(
        Webhooks.urls(urls, System.getenv("KUBEMIGRATE_NOTIFY"), "--notify, spec.notify"));
    applyCommandAndArgs(spec);
    return spec.build().validate();
  }

  /**
   * {@code --wait-for-db} and its settings, over the file's {@code spec.waitForDatabase}; the image
   * defaults to {@code $KUBEMIGRATE_IMAGE}. A setting without {@code --wait-for-db} (nor the file's
   * field) is a usage error: it would be silently ignored.
   */
  private void applyWaitForDatabase(MigrationSpec.Builder spec, MigrationFile fromFile) {
    MigrationSpec.WaitForDatabase wait =
        fromFile == null ? null : fromFile.spec().waitForDatabase();
    if (wait == null && waitForDb) {
      wait = new MigrationSpec.WaitForDatabase(null, null, null);
    }
    if (wait == null) {
      for (String[] flag : new String[][] {{"--db", db}, {"--db-timeout", dbTimeout}}) {
        if (flag[1] != null) {
          throw KubemigrateException.usage(
              "%s is a setting of --wait-for-db: add --wait-for-db (or spec.waitForDatabase)",
              flag[0]);
        }
      }
      return;
    }
    wait =
        new MigrationSpec.WaitForDatabase(
            dbTimeout == null ? wait.timeout() : Durations.parse(dbTimeout, "--db-timeout"),
            db == null ? wait.url() : db,
            kubemigrateImage == null ? wait.image() : kubemigrateImage);
    spec.waitForDatabase(wait.withDefaultImage(System.getenv("KUBEMIGRATE_IMAGE")));
  }

  /**
   * kubemigrate's own image: {@code --kubemigrate-image}, else {@code $KUBEMIGRATE_IMAGE}; null
   * when neither names one (the Job then takes the spec's {@code waitForDatabase.image}, if any). A
   * value that is not an image reference is a usage error (an empty flag is refused earlier, as
   * every flag's).
   */
  String kubemigrateImage() {
    String image = kubemigrateImage != null ? kubemigrateImage : System.getenv("KUBEMIGRATE_IMAGE");
    if (image == null || image.isBlank()) {
      return null;
    }
    if (ImageReference.tryParse(image.strip()).isEmpty()) {
      throw KubemigrateException.usage(
          "invalid image '%s' (%s): use [REGISTRY/]REPOSITORY[:TAG][@DIGEST]",
          image, kubemigrateImage != null ? "--kubemigrate-image" : "$KUBEMIGRATE_IMAGE");
    }
    return image.strip();
  }

  /** Whether a migration is described at all: a file, an app or an image. */
  boolean given() {
    return file != null || app != null || image != null;
  }

  /** {@code metadata.namespace} of the {@code -f} file, or {@code null} without one. */
  String namespaceFromFile() {
    MigrationFile fromFile = migrationFile();
    return fromFile == null ? null : fromFile.namespace();
  }

  /** {@code spec.preflight} of the {@code -f} file; auto without a file or the field. */
  PreflightMode preflightFromFile() {
    MigrationFile fromFile = migrationFile();
    return fromFile == null ? PreflightMode.AUTO : fromFile.preflight();
  }

  /** {@code spec.attempt} of the {@code -f} file: the attempt wanted; 1 without a file. */
  int attempt() {
    MigrationFile fromFile = migrationFile();
    return fromFile == null ? 1 : fromFile.attempt();
  }

  private MigrationFile migrationFile() {
    if (file != null && parsedFile == null) {
      parsedFile = MigrationFile.read(file);
    }
    return parsedFile;
  }

  private void applyEnv(MigrationSpec.Builder spec) {
    Set<String> given = new HashSet<>();
    for (String pair : env) {
      String[] nameValue = keyValue(pair, "--env", "NAME=VALUE (NAME= for an empty value)");
      if (!given.add(nameValue[0])) {
        throw KubemigrateException.usage("--env %s is given more than once", nameValue[0]);
      }
      spec.putEnv(nameValue[0], nameValue[1]);
    }
  }

  private void applyCommandAndArgs(MigrationSpec.Builder spec) {
    if (command && args.isEmpty()) {
      throw KubemigrateException.usage(
          "--command needs the command after --, e.g. --command -- flyway migrate");
    }
    if (command) {
      spec.command(args).args(List.of());
    } else if (!args.isEmpty()) {
      spec.args(args);
    }
  }

  private ResourceRequirements resources(ResourceRequirements fromFile) {
    ResourceRequirementsBuilder resources =
        fromFile == null
            ? new ResourceRequirementsBuilder()
            : new ResourceRequirementsBuilder(fromFile);
    if (cpu != null) {
      Quantity quantity = quantity(cpu, "--cpu", "500m, 1, 2");
      resources.addToRequests("cpu", quantity).addToLimits("cpu", quantity);
    }
    if (memory != null) {
      Quantity quantity = quantity(memory, "--memory", "256Mi, 1Gi");
      resources.addToRequests("memory", quantity).addToLimits("memory", quantity);
    }
    return resources.build();
  }

  private static Quantity quantity(String text, String option, String examples) {
    if (!MigrationSpec.isQuantity(text)) {
      throw KubemigrateException.usage("invalid %s '%s': use e.g. %s", option, text, examples);
    }
    return new Quantity(text);
  }

  private static EnvFromSource envFromSource(String text) {
    int slash = text.indexOf('/');
    String kind = slash < 0 ? "" : text.substring(0, slash).toLowerCase(Locale.ROOT);
    String name = slash < 0 ? "" : text.substring(slash + 1);
    if (name.isEmpty() || !(kind.equals("secret") || kind.equals("configmap"))) {
      throw KubemigrateException.usage(
          "invalid --env-from '%s': use secret/NAME or configmap/NAME", text);
    }
    EnvFromSourceBuilder source = new EnvFromSourceBuilder();
    return kind.equals("secret")
        ? source.withNewSecretRef().withName(name).endSecretRef().build()
        : source.withNewConfigMapRef().withName(name).endConfigMapRef().build();
  }

  private static String pullPolicy(String text) {
    for (String policy : MigrationSpec.IMAGE_PULL_POLICIES) {
      if (policy.equalsIgnoreCase(text)) {
        return policy;
      }
    }
    throw KubemigrateException.usage(
        "invalid --image-pull-policy '%s': use Always, IfNotPresent or Never", text);
  }

  private static String[] keyValue(String text, String option, String form) {
    int equals = text.indexOf('=');
    if (equals <= 0) {
      throw KubemigrateException.usage("invalid %s '%s': use %s", option, text, form);
    }
    return new String[] {text.substring(0, equals), text.substring(equals + 1)};
  }
}
