package dev.kubemigrate.job;

import dev.kubemigrate.api.Phase;
import dev.kubemigrate.names.Hashing;
import dev.kubemigrate.names.KubernetesNames;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The labels and annotations kubemigrate puts on what it creates, and the selectors that find them
 * again.
 */
public final class Labels {

  /** Marks everything kubemigrate created. */
  public static final String MANAGED_BY = "app.kubernetes.io/managed-by";

  public static final String MANAGED_BY_VALUE = "kubemigrate";

  /** The app, a DNS-1123 label and so a valid label value as it is. */
  public static final String APP = "kubemigrate.dev/app";

  /**
   * The version as a label value: see {@link #versionValue}. The raw version is always in the
   * annotation of the same key, {@link #VERSION_ANNOTATION}.
   */
  public static final String VERSION = "kubemigrate.dev/version";

  /** {@code pre} or {@code post}. */
  public static final String PHASE = "kubemigrate.dev/phase";

  /** The attempt, counted from 1. */
  public static final String ATTEMPT = "kubemigrate.dev/attempt";

  /** Annotation: the raw version, whatever characters it has. */
  public static final String VERSION_ANNOTATION = "kubemigrate.dev/version";

  /** Annotation: {@link SpecHash#of} the spec that was run. */
  public static final String SPEC_HASH_ANNOTATION = "kubemigrate.dev/spec-hash";

  private static final int HASH_LENGTH = 10;

  private Labels() {}

  /**
   * The version as a label value: as it is when that is a valid label value (at most 63 letters,
   * digits, {@code -}, {@code _} and {@code .}, starting and ending with a letter or digit), such
   * as {@code 1.2.3}; otherwise sanitized, cut and suffixed with a hash of the raw version, such as
   * {@code 1-2-3-build-7-5d41402abc}, so that two versions never share a value.
   */
  public static String versionValue(String version) {
    if (KubernetesNames.isLabelValue(version) && !version.isEmpty()) {
      return version;
    }
    String hash = Hashing.sha256Hex(version, HASH_LENGTH);
    String prefix =
        KubernetesNames.truncate(
            KubernetesNames.sanitize(version), KubernetesNames.MAX_LABEL_LENGTH - HASH_LENGTH - 1);
    return prefix.isEmpty() ? hash : prefix + "-" + hash;
  }

  /** Everything kubemigrate created for {@code app}. */
  public static Map<String, String> selector(String app) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(MANAGED_BY, MANAGED_BY_VALUE);
    labels.put(APP, app);
    return labels;
  }

  /** Everything kubemigrate created for one (app, phase, version), all attempts. */
  public static Map<String, String> selector(String app, Phase phase, String version) {
    Map<String, String> labels = selector(app);
    labels.put(PHASE, phase.label());
    labels.put(VERSION, versionValue(version));
    return labels;
  }

  /** The labels of the Job (and its pods) of one attempt. */
  public static Map<String, String> forAttempt(
      String app, Phase phase, String version, int attempt) {
    Map<String, String> labels = selector(app, phase, version);
    labels.put(ATTEMPT, Integer.toString(attempt));
    return labels;
  }
}
