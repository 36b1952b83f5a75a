package dev.kubemigrate.api;

import dev.kubemigrate.names.KubernetesNames;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.Toleration;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * What to migrate and how: everything a migration Job is built from. Built from the command line, a
 * migration file or a {@code Migration} resource (the same shape).
 *
 * <p>The constructor fills in the defaults (phase {@code pre}, timeout 10m, startup grace 2m, TTL
 * 24h, empty collections) and, when no version is given, takes it from the image (see {@link
 * ImageReference#version()}). Collections are copied and unmodifiable; {@code nodeSelector} is
 * sorted by key. The fabric8 objects ({@code env}, {@code resources}, {@code podTemplate}, ...) are
 * mutable by nature: treat them as read-only; the Job factory never changes them. The constructor
 * does not check the values: call {@link #validate()} before using a spec.
 *
 * @param app the app being released: a DNS-1123 label
 * @param version the app version being released; defaults to the image's tag or digest
 * @param phase pre (before the rollout) or post (after it)
 * @param image the migration's container image
 * @param command replaces the image's entrypoint; empty keeps it
 * @param args the container's arguments; empty keeps the image's
 * @param env environment variables, in order (later ones may refer to earlier ones)
 * @param envFrom secrets and config maps whose keys become environment variables
 * @param serviceAccountName the pod's service account, or {@code null} for the namespace default
 * @param timeout how long the whole run may take, all attempts included; the Job's {@code
 *     activeDeadlineSeconds}
 * @param retries how often a failed pod is retried: the Job's {@code backoffLimit}, 0 to 20
 * @param startupGrace how long a pod may stay unpullable or unschedulable before the run fails
 * @param ttlAfterFinished how long Kubernetes keeps the finished Job
 * @param resources the container's resources, or {@code null}
 * @param nodeSelector the pod's node selector
 * @param tolerations the pod's tolerations
 * @param imagePullSecrets names of the secrets used to pull the image
 * @param imagePullPolicy {@code Always}, {@code IfNotPresent}, {@code Never}, or {@code null} for
 *     the cluster's default
 * @param podTemplate a whole pod template our fields are merged over, or {@code null}
 * @param after for the post phase: the workloads ({@code deployment/NAME}, {@code
 *     statefulset/NAME}) whose rollout to this version must be over before it runs
 * @param afterSelector for the post phase: a label selector of more such workloads, or null
 * @param rolloutTimeout how long the post phase waits for the rollout
 * @param compatibleFrom for the post and down phases: the oldest app version the schema serves once
 *     it succeeded (for post, default: this version), or null
 * @param waitForDatabase whether, and how, the Job's pod waits for the migration's database to
 *     accept connections before the migration starts (an init container of kubemigrate's own
 *     image); null: it does not wait
 * @param notifyUrls the URLs that a finished run posts its result to ({@code --notify}): not part
 *     of the migration's identity (the spec hash)
 * @param tool the migration tool whose output is read for states of its tables that need a person
 *     ({@link Tool#parse}: auto, flyway, liquibase, golang-migrate, none); null: auto
 */
public record MigrationSpec(
    String app,
    String version,
    Phase phase,
    String image,
    List<String> command,
    List<String> args,
    List<EnvVar> env,
    List<EnvFromSource> envFrom,
    String serviceAccountName,
    Duration timeout,
    int retries,
    Duration startupGrace,
    Duration ttlAfterFinished,
    ResourceRequirements resources,
    Map<String, String> nodeSelector,
    List<Toleration> tolerations,
    List<String> imagePullSecrets,
    String imagePullPolicy,
    PodTemplateSpec podTemplate,
    List<String> after,
    String afterSelector,
    Duration rolloutTimeout,
    String compatibleFrom,
    WaitForDatabase waitForDatabase,
    String tool,
    List<String> notifyUrls) {

  /**
   * The Job's pod waits for the migration's database before the migration starts: an init container
   * {@value #WAIT_FOR_DB_CONTAINER} of kubemigrate's own {@code image} runs {@code kubemigrate
   * wait-for-db} with the migration container's environment and arguments, so it finds the database
   * where the tool does ({@link DatabaseAddress#find}).
   *
   * @param timeout how long it waits; then the pod fails, and the run with {@code
   *     DatabaseUnreachable}
   * @param url the database ({@code --db}), or null: read from the migration's own settings
   * @param image kubemigrate's image (the init container's); required
   */
  public record WaitForDatabase(Duration timeout, String url, String image) {
    public WaitForDatabase {
      timeout = timeout == null ? DEFAULT_DB_TIMEOUT : timeout;
      url = blankToNull(url);
      image = blankToNull(image);
    }

    /** The same, with {@code image} where none is named. */
    public WaitForDatabase withDefaultImage(String image) {
      return this.image != null || image == null ? this : new WaitForDatabase(timeout, url, image);
    }
  }

  /** The init container that waits for the database: see {@link WaitForDatabase}. */
  public static final String WAIT_FOR_DB_CONTAINER = "wait-for-db";

  /** How long a migration waits for its database by default (exec, run --wait-for-db). */
  public static final Duration DEFAULT_DB_TIMEOUT = Duration.ofMinutes(2);

  public static final Phase DEFAULT_PHASE = Phase.PRE;
  public static final Duration DEFAULT_ROLLOUT_TIMEOUT = Duration.ofMinutes(30);
  public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(10);
  public static final Duration DEFAULT_STARTUP_GRACE = Duration.ofMinutes(2);
  public static final Duration DEFAULT_TTL_AFTER_FINISHED = Duration.ofHours(24);
  public static final int MAX_RETRIES = 20;
  public static final int MAX_VERSION_LENGTH = 128;

  /** The pull policies Kubernetes knows. */
  public static final Set<String> IMAGE_PULL_POLICIES = Set.of("Always", "IfNotPresent", "Never");

  private static final Pattern VERSION = Pattern.compile("[A-Za-z0-9._+@:-]+");
  private static final Pattern ENV_NAME = Pattern.compile("[-._a-zA-Z][-._a-zA-Z0-9]*");
  private static final BigDecimal MIN_CPU = new BigDecimal("0.001");
  private static final BigDecimal MAX_CPU = new BigDecimal(1000);
  private static final BigDecimal MIN_MEMORY = BigDecimal.valueOf(4L << 20);
  private static final BigDecimal MAX_MEMORY = BigDecimal.valueOf(16L << 40);

  private static final Pattern QUANTITY =
      Pattern.compile(
          "[+-]?(?:[0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)"
              + "(?:Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?[0-9]+)?");

  public MigrationSpec {
    app = blankToNull(app);
    image = blankToNull(image);
    version = blankToNull(version);
    if (version == null && image != null) {
      version = ImageReference.tryParse(image).flatMap(ImageReference::version).orElse(null);
    }
    phase = phase == null ? DEFAULT_PHASE : phase;
    command = copy(command, "command");
    args = copy(args, "args");
    env = copy(env, "env");
    envFrom = copy(envFrom, "envFrom");
    serviceAccountName = blankToNull(serviceAccountName);
    timeout = timeout == null ? DEFAULT_TIMEOUT : timeout;
    startupGrace = startupGrace == null ? DEFAULT_STARTUP_GRACE : startupGrace;
    ttlAfterFinished = ttlAfterFinished == null ? DEFAULT_TTL_AFTER_FINISHED : ttlAfterFinished;
    nodeSelector = copy(nodeSelector);
    tolerations = copy(tolerations, "tolerations");
    imagePullSecrets = copy(imagePullSecrets, "imagePullSecrets");
    imagePullPolicy = blankToNull(imagePullPolicy);
    after = copy(after, "after");
    afterSelector = blankToNull(afterSelector);
    rolloutTimeout = rolloutTimeout == null ? DEFAULT_ROLLOUT_TIMEOUT : rolloutTimeout;
    compatibleFrom = blankToNull(compatibleFrom);
    tool = blankToNull(tool);
    notifyUrls = notifyUrls == null ? List.of() : List.copyOf(notifyUrls);
  }

  /** Whether the post phase waits for a rollout. */
  public boolean waitsForRollout() {
    return !after.isEmpty() || afterSelector != null;
  }

  /** A builder with every field at its default. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this spec's values, to derive a changed copy. */
  public Builder toBuilder() {
    return new Builder()
        .app(app)
        .version(version)
        .phase(phase)
        .image(image)
        .command(command)
        .args(args)
        .env(env)
        .envFrom(envFrom)
        .serviceAccountName(serviceAccountName)
        .timeout(timeout)
        .retries(retries)
        .startupGrace(startupGrace)
        .ttlAfterFinished(ttlAfterFinished)
        .resources(resources)
        .nodeSelector(nodeSelector)
        .tolerations(tolerations)
        .imagePullSecrets(imagePullSecrets)
        .imagePullPolicy(imagePullPolicy)
        .podTemplate(podTemplate)
        .after(after)
        .afterSelector(afterSelector)
        .rolloutTimeout(rolloutTimeout)
        .compatibleFrom(compatibleFrom)
        .waitForDatabase(waitForDatabase)
        .tool(tool)
        .notifyUrls(notifyUrls);
  }

  private void validateWaitForDatabase() {
    if (waitForDatabase == null) {
      return;
    }
    if (waitForDatabase.timeout().isNegative() || waitForDatabase.timeout().isZero()) {
      throw KubemigrateException.usage(
          "invalid database timeout %s (--db-timeout, spec.waitForDatabase.timeout): must be"
              + " longer than zero",
          Durations.format(waitForDatabase.timeout()));
    }
    if (waitForDatabase.url() != null) {
      DatabaseAddress.fromFlag(waitForDatabase.url(), "--db, spec.waitForDatabase.url");
    }
    if (waitForDatabase.image() == null) {
      throw KubemigrateException.usage(
          "--wait-for-db (spec.waitForDatabase) runs kubemigrate's own image in the Job's pod:"
              + " name it with --kubemigrate-image IMAGE, $KUBEMIGRATE_IMAGE or"
              + " spec.waitForDatabase.image");
    }
    if (ImageReference.tryParse(waitForDatabase.image()).isEmpty()) {
      throw KubemigrateException.usage(
          "invalid image '%s' (--kubemigrate-image, spec.waitForDatabase.image): use"
              + " [REGISTRY/]REPOSITORY[:TAG][@DIGEST]",
          waitForDatabase.image());
    }
  }

  private static final String SUBDOMAIN_RULE =
      "use at most 253 lower-case letters, digits, '-' and '.', starting and ending with a letter"
          + " or digit";

  /** Checks an app name as every command takes it (a DNS-1123 label); a usage error if wrong. */
  public static String validateApp(String app) {
    if (app == null) {
      throw KubemigrateException.usage("no app given: set --app (or spec.app in a file)");
    }
    return validateLabel(app, "app", " (--app, spec.app)");
  }

  /**
   * Checks a name that Kubernetes takes as a DNS-1123 label (an app, a lock key, a namespace);
   * {@code what} names the flag or field in the message.
   */
  public static String validateLabel(String value, String what) {
    return validateLabel(value, what, "");
  }

  private static String validateLabel(String value, String what, String where) {
    if (value == null || !KubernetesNames.isDnsLabel(value)) {
      throw KubemigrateException.usage(
          "invalid %s '%s'%s: use at most 63 lower-case letters, digits and '-', starting and"
              + " ending with a letter or digit",
          what, value == null ? "" : value, where);
    }
    return value;
  }

  /** The kinds {@code --after} takes, by every name kubectl takes them. */
  private static final Map<String, String> WORKLOAD_KINDS =
      Map.of(
          "deployment", "deployment",
          "deployments", "deployment",
          "deploy", "deployment",
          "statefulset", "statefulset",
          "statefulsets", "statefulset",
          "sts", "statefulset");

  /** {@code deployment/NAME} or {@code statefulset/NAME}, normalised; a usage error if wrong. */
  public static String validateWorkload(String text) {
    String[] kindName = text == null ? new String[0] : text.split("/", 2);
    if (kindName.length == 2) {
      String kind = WORKLOAD_KINDS.get(kindName[0].toLowerCase(java.util.Locale.ROOT));
      if (kind != null && KubernetesNames.isDnsSubdomain(kindName[1])) {
        return kind + "/" + kindName[1];
      }
    }
    throw KubemigrateException.usage(
        "invalid workload '%s' (--after, spec.after): use deployment/NAME or statefulset/NAME",
        text);
  }

  /** What only some phases take: the rollout to wait for, the floor to record. */
  private void validatePhases() {
    if (waitsForRollout() && phase != Phase.POST) {
      throw KubemigrateException.usage(
          "--after and --after-selector (spec.after, spec.afterSelector) are for the post phase:"
              + " add --phase post, or leave them out");
    }
    after.forEach(MigrationSpec::validateWorkload);
    if (rolloutTimeout.isNegative() || rolloutTimeout.isZero()) {
      throw KubemigrateException.usage(
          "invalid rollout timeout %s (--rollout-timeout, spec.rolloutTimeout): must be longer"
              + " than zero",
          Durations.format(rolloutTimeout));
    }
    validateWaitForDatabase();
    Tool.parse(tool, "--tool, spec.tool");
    notifyUrls.forEach(url -> Webhooks.check(url, "--notify, spec.notify"));
    if (compatibleFrom != null && phase == Phase.PRE) {
      throw KubemigrateException.usage(
          "--compatible-from (spec.compatibleFrom) is for the post and down phases: a pre phase"
              + " keeps the schema compatible with the versions before it");
    }
    if (phase == Phase.DOWN && compatibleFrom == null) {
      throw KubemigrateException.usage(
          "--phase down needs --compatible-from VERSION (spec.compatibleFrom): the oldest app"
              + " version the schema serves once the down migration has run");
    }
    if (compatibleFrom != null) {
      validateVersion(compatibleFrom);
      if (!Versions.orderable(compatibleFrom)) {
        throw KubemigrateException.usage(
            "invalid --compatible-from '%s' (spec.compatibleFrom): use a semantic version (1.5.0)"
                + " or dotted numbers (2024.05.17), which the rollback guard can order",
            compatibleFrom);
      }
      if (phase == Phase.POST
          && Versions.compare(compatibleFrom, version).map(c -> c > 0).orElse(false)) {
        throw KubemigrateException.usage(
            "invalid --compatible-from %s (spec.compatibleFrom): it is newer than the version %s"
                + " whose contract this is; use %s or older",
            compatibleFrom, version, version);
      }
    }
  }

  /** Checks a version as every command takes it; a usage error if wrong. */
  public static String validateVersion(String version) {
    if (version == null
        || version.length() > MAX_VERSION_LENGTH
        || !VERSION.matcher(version).matches()) {
      throw KubemigrateException.usage(
          "invalid version '%s' (--version, spec.version): use at most %d letters, digits and"
              + " . _ + @ : -",
          version, MAX_VERSION_LENGTH);
    }
    return version;
  }

  /**
   * Checks every field and returns this spec, so that a caller can write {@code
   * builder.build().validate()}.
   *
   * @throws KubemigrateException a usage error whose message is one line naming the first problem
   */
  public MigrationSpec validate() {
    validateApp(app);
    if (image == null) {
      throw KubemigrateException.usage("no image given: set --image (or spec.image in a file)");
    }
    ImageReference.parse(image);
    if (version == null) {
      throw KubemigrateException.usage(
          "image '%s' has neither tag nor digest to take the version from: set --version", image);
    }
    validateVersion(version);
    validateEnv();
    validateEnvFrom();
    if (serviceAccountName != null && !KubernetesNames.isDnsSubdomain(serviceAccountName)) {
      throw KubemigrateException.usage(
          "invalid service account '%s' (--service-account, spec.serviceAccountName): %s",
          serviceAccountName, SUBDOMAIN_RULE);
    }
    if (timeout.isNegative() || timeout.isZero()) {
      throw KubemigrateException.usage(
          "invalid timeout %s (--timeout, spec.timeout): must be longer than zero",
          Durations.format(timeout));
    }
    if (retries < 0 || retries > MAX_RETRIES) {
      throw KubemigrateException.usage(
          "invalid retries %d (--retries, spec.retries): use 0 to %d (0: a failed migration is not"
              + " retried)",
          retries, MAX_RETRIES);
    }
    if (startupGrace.isNegative()) {
      throw KubemigrateException.usage(
          "invalid startup grace %s (--startup-grace, spec.startupGrace): must not be negative",
          Durations.format(startupGrace));
    }
    if (ttlAfterFinished.isNegative() || ttlAfterFinished.getSeconds() > Integer.MAX_VALUE) {
      throw KubemigrateException.usage(
          "invalid TTL after finished %s (--ttl, spec.ttlAfterFinished): must be between zero and"
              + " 68 years",
          Durations.format(ttlAfterFinished));
    }
    validateResources();
    nodeSelector.forEach(
        (key, value) -> {
          if (!KubernetesNames.isLabelKey(key) || !KubernetesNames.isLabelValue(value)) {
            throw KubemigrateException.usage(
                "invalid node selector %s=%s (--node-selector, spec.nodeSelector): key and value"
                    + " must be a label key ([prefix/]name, 63 letters, digits, '-', '_', '.') and"
                    + " a label value",
                key, value);
          }
        });
    for (String secret : imagePullSecrets) {
      if (!KubernetesNames.isDnsSubdomain(secret)) {
        throw KubemigrateException.usage(
            "invalid image pull secret '%s' (--image-pull-secret, spec.imagePullSecrets): %s",
            secret, SUBDOMAIN_RULE);
      }
    }
    validatePhases();
    if (imagePullPolicy != null && !IMAGE_PULL_POLICIES.contains(imagePullPolicy)) {
      throw KubemigrateException.usage(
          "invalid image pull policy '%s' (--image-pull-policy, spec.imagePullPolicy): use Always,"
              + " IfNotPresent or Never",
          imagePullPolicy);
    }
    return this;
  }

  private void validateEnv() {
    Set<String> seen = new HashSet<>();
    for (EnvVar var : env) {
      String name = var.getName();
      if (name == null || !ENV_NAME.matcher(name).matches()) {
        throw KubemigrateException.usage(
            "invalid env var name '%s' (--env, spec.env): use letters, digits, '_', '-' and '.', not"
                + " starting with a digit",
            name == null ? "" : name);
      }
      if (!seen.add(name)) {
        throw KubemigrateException.usage(
            "env var %s is set more than once (--env, spec.env): set it once", name);
      }
      if (var.getValue() != null && var.getValueFrom() != null) {
        throw KubemigrateException.usage("env var %s has both a value and valueFrom", name);
      }
    }
  }

  private void validateEnvFrom() {
    for (EnvFromSource source : envFrom) {
      String secret = source.getSecretRef() == null ? null : source.getSecretRef().getName();
      String configMap =
          source.getConfigMapRef() == null ? null : source.getConfigMapRef().getName();
      if ((secret == null) == (configMap == null)) {
        throw KubemigrateException.usage(
            "invalid envFrom entry: name exactly one secret or config map");
      }
      String name = secret != null ? secret : configMap;
      if (!KubernetesNames.isDnsSubdomain(name)) {
        throw KubemigrateException.usage(
            "invalid envFrom %s name '%s' (--env-from, spec.envFrom): %s",
            secret != null ? "secret" : "config map", name, SUBDOMAIN_RULE);
      }
    }
  }

  private void validateResources() {
    if (resources == null) {
      return;
    }
    Map<String, Quantity> all = new LinkedHashMap<>();
    if (resources.getRequests() != null) {
      resources.getRequests().forEach((k, v) -> all.put("requests." + k, v));
    }
    if (resources.getLimits() != null) {
      resources.getLimits().forEach((k, v) -> all.put("limits." + k, v));
    }
    all.forEach(
        (key, quantity) -> {
          String text = quantity == null ? "" : quantity.toString();
          if (!QUANTITY.matcher(text).matches()) {
            throw KubemigrateException.usage(
                "invalid resource quantity %s '%s' (--cpu, --memory, spec.resources): use e.g."
                    + " 500m, 2, 256Mi, 1Gi",
                key, text);
          }
          checkBounds(key, text, Quantity.getAmountInBytes(quantity));
        });
  }

  // Kubernetes takes a negative or zero request from a manifest and fails later, or never
  // schedules an absurd one: say so before anything is created.
  private static void checkBounds(String key, String text, BigDecimal amount) {
    boolean cpu = key.endsWith(".cpu");
    boolean memory = key.endsWith(".memory");
    if (!cpu && !memory) {
      if (amount.signum() < 0) {
        throw KubemigrateException.usage(
            "invalid resource quantity %s '%s' (spec.resources): must not be negative", key, text);
      }
      return;
    }
    BigDecimal min = cpu ? MIN_CPU : MIN_MEMORY;
    BigDecimal max = cpu ? MAX_CPU : MAX_MEMORY;
    if (amount.compareTo(min) < 0 || amount.compareTo(max) > 0) {
      throw KubemigrateException.usage(
          "invalid resource quantity %s '%s' (%s, spec.resources): use %s",
          key,
          text,
          cpu ? "--cpu" : "--memory",
          cpu ? "1m to 1000 (cores), e.g. 500m, 2" : "4Mi to 16Ti, e.g. 256Mi, 1Gi");
    }
  }

  /** Whether {@code text} is a Kubernetes quantity, such as {@code 500m} or {@code 256Mi}. */
  public static boolean isQuantity(String text) {
    return text != null && QUANTITY.matcher(text).matches();
  }

  private static String blankToNull(String text) {
    return text == null || text.isBlank() ? null : text.trim();
  }

  private static <T> List<T> copy(List<T> list, String field) {
    if (list == null) {
      return List.of();
    }
    if (list.contains(null)) {
      throw KubemigrateException.usage("%s has an empty item", field);
    }
    return List.copyOf(list);
  }

  private static Map<String, String> copy(Map<String, String> map) {
    if (map == null) {
      return Map.of();
    }
    Map<String, String> sorted = new TreeMap<>();
    map.forEach(
        (key, value) -> {
          if (key == null || value == null) {
            throw KubemigrateException.usage("node selector %s has no value", key);
          }
          sorted.put(key, value);
        });
    return Collections.unmodifiableMap(sorted);
  }

  /** Collects a spec's values; {@link #build()} applies the defaults. Not thread-safe. */
  public static final class Builder {
    private String app;
    private String version;
    private Phase phase;
    private String image;
    private List<String> command = new ArrayList<>();
    private List<String> args = new ArrayList<>();
    private List<EnvVar> env = new ArrayList<>();
    private List<EnvFromSource> envFrom = new ArrayList<>();
    private String serviceAccountName;
    private Duration timeout;
    private int retries;
    private Duration startupGrace;
    private Duration ttlAfterFinished;
    private ResourceRequirements resources;
    private Map<String, String> nodeSelector = new LinkedHashMap<>();
    private List<Toleration> tolerations = new ArrayList<>();
    private List<String> imagePullSecrets = new ArrayList<>();
    private String imagePullPolicy;
    private PodTemplateSpec podTemplate;
    private List<String> after = new ArrayList<>();
    private String afterSelector;
    private Duration rolloutTimeout;
    private String compatibleFrom;
    private WaitForDatabase waitForDatabase;
    private String tool;
    private List<String> notifyUrls = new ArrayList<>();

    public Builder notifyUrls(List<String> notifyUrls) {
      this.notifyUrls = list(notifyUrls);
      return this;
    }

    public Builder tool(String tool) {
      this.tool = tool;
      return this;
    }

    public Builder waitForDatabase(WaitForDatabase waitForDatabase) {
      this.waitForDatabase = waitForDatabase;
      return this;
    }

    private Builder() {}

    public Builder after(List<String> after) {
      this.after = after == null ? new ArrayList<>() : new ArrayList<>(after);
      return this;
    }

    public Builder addAfter(String workload) {
      this.after.add(workload);
      return this;
    }

    public Builder afterSelector(String afterSelector) {
      this.afterSelector = afterSelector;
      return this;
    }

    public Builder rolloutTimeout(Duration rolloutTimeout) {
      this.rolloutTimeout = rolloutTimeout;
      return this;
    }

    public Builder compatibleFrom(String compatibleFrom) {
      this.compatibleFrom = compatibleFrom;
      return this;
    }

    public Builder app(String app) {
      this.app = app;
      return this;
    }

    /** The version; {@code null} lets {@link #build()} take it from the image. */
    public Builder version(String version) {
      this.version = version;
      return this;
    }

    public Builder phase(Phase phase) {
      this.phase = phase;
      return this;
    }

    public Builder image(String image) {
      this.image = image;
      return this;
    }

    public Builder command(List<String> command) {
      this.command = list(command);
      return this;
    }

    public Builder args(List<String> args) {
      this.args = list(args);
      return this;
    }

    public Builder env(List<EnvVar> env) {
      this.env = list(env);
      return this;
    }

    /**
     * Sets {@code name} to {@code value}: replaces a variable of that name where it stands, or
     * appends a new one.
     */
    public Builder putEnv(String name, String value) {
      EnvVar var = new EnvVar(name, value, null);
      for (int i = 0; i < env.size(); i++) {
        if (name.equals(env.get(i).getName())) {
          env.set(i, var);
          return this;
        }
      }
      env.add(var);
      return this;
    }

    public Builder envFrom(List<EnvFromSource> envFrom) {
      this.envFrom = list(envFrom);
      return this;
    }

    public Builder addEnvFrom(EnvFromSource source) {
      envFrom.add(source);
      return this;
    }

    public Builder serviceAccountName(String serviceAccountName) {
      this.serviceAccountName = serviceAccountName;
      return this;
    }

    public Builder timeout(Duration timeout) {
      this.timeout = timeout;
      return this;
    }

    public Builder retries(int retries) {
      this.retries = retries;
      return this;
    }

    public Builder startupGrace(Duration startupGrace) {
      this.startupGrace = startupGrace;
      return this;
    }

    public Builder ttlAfterFinished(Duration ttlAfterFinished) {
      this.ttlAfterFinished = ttlAfterFinished;
      return this;
    }

    public Builder resources(ResourceRequirements resources) {
      this.resources = resources;
      return this;
    }

    public Builder nodeSelector(Map<String, String> nodeSelector) {
      this.nodeSelector =
          nodeSelector == null ? new LinkedHashMap<>() : new LinkedHashMap<>(nodeSelector);
      return this;
    }

    public Builder putNodeSelector(String key, String value) {
      nodeSelector.put(key, value);
      return this;
    }

    public Builder tolerations(List<Toleration> tolerations) {
      this.tolerations = list(tolerations);
      return this;
    }

    public Builder imagePullSecrets(List<String> imagePullSecrets) {
      this.imagePullSecrets = list(imagePullSecrets);
      return this;
    }

    public Builder addImagePullSecret(String name) {
      if (!imagePullSecrets.contains(name)) {
        imagePullSecrets.add(name);
      }
      return this;
    }

    public Builder imagePullPolicy(String imagePullPolicy) {
      this.imagePullPolicy = imagePullPolicy;
      return this;
    }

    public Builder podTemplate(PodTemplateSpec podTemplate) {
      this.podTemplate = podTemplate;
      return this;
    }

    /** The spec, with defaults applied; not yet validated. */
    public MigrationSpec build() {
      return new MigrationSpec(
          app,
          version,
          phase,
          image,
          command,
          args,
          env,
          envFrom,
          serviceAccountName,
          timeout,
          retries,
          startupGrace,
          ttlAfterFinished,
          resources,
          nodeSelector,
          tolerations,
          imagePullSecrets,
          imagePullPolicy,
          podTemplate,
          after,
          afterSelector,
          rolloutTimeout,
          compatibleFrom,
          waitForDatabase,
          tool,
          notifyUrls);
    }

    private static <T> List<T> list(List<T> list) {
      return list == null ? new ArrayList<>() : new ArrayList<>(list);
    }
  }
}
