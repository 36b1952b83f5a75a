package dev.kubemigrate.job;

import dev.kubemigrate.api.Phase;
import dev.kubemigrate.names.Hashing;
import dev.kubemigrate.names.KubernetesNames;
import java.util.Objects;

/**
 * Deterministic names for the objects of a run, so that every pipeline and replica that races for
 * the same (app, phase, version) arrives at the same names, and Kubernetes' "already exists" is
 * what decides the race.
 *
 * <p>The base name is {@code <app>-<phase>-<version>} made a DNS-1123 label: lower-cased, every
 * other character turned into {@code -}. Whenever that changed the version (or the app), or the
 * name would be longer than {@value #MAX_BASE_LENGTH} characters, it is cut and ends in {@code -}
 * plus {@value #HASH_LENGTH} hex digits of the SHA-256 of the raw (app, phase, version): so {@code
 * 1.0} and {@code 1-0}, or two long versions that share a prefix, never share a name.
 *
 * <p>The base name is at most {@value #MAX_BASE_LENGTH} characters so that both names built from it
 * stay within 63, the longest label value (a Job's name becomes its pods' {@code job-name} label):
 * the record's {@code kubemigrate-<base>} and every attempt's {@code <base>-r<attempt>}.
 */
public final class RunNames {

  static final int MAX_BASE_LENGTH = 51;
  static final int HASH_LENGTH = 10;
  static final String RECORD_PREFIX = "kubemigrate-";

  private RunNames() {}

  /**
   * The Job of one attempt: {@code <base>} for the first, {@code <base>-r<attempt>} after it.
   *
   * @param attempt 1 for the first attempt
   */
  public static String jobName(String app, Phase phase, String version, int attempt) {
    if (attempt < 1) {
      throw new IllegalArgumentException("attempts count from 1, not " + attempt);
    }
    String base = baseName(app, phase, version);
    return attempt == 1 ? base : base + "-r" + attempt;
  }

  /** The record of (app, phase, version), whatever the attempt: {@code kubemigrate-<base>}. */
  public static String recordName(String app, Phase phase, String version) {
    return RECORD_PREFIX + baseName(app, phase, version);
  }

  /** The attempt-less name shared by the record and the Jobs; see the class comment. */
  public static String baseName(String app, Phase phase, String version) {
    Objects.requireNonNull(app, "app");
    Objects.requireNonNull(phase, "phase");
    Objects.requireNonNull(version, "version");
    String safeApp = KubernetesNames.sanitize(app);
    String safeVersion = KubernetesNames.sanitize(version);
    String name = join(safeApp, phase.label(), safeVersion);
    boolean changed = !safeApp.equals(app) || !safeVersion.equals(version);
    if (!changed && name.length() <= MAX_BASE_LENGTH) {
      return name;
    }
    // NUL cannot occur in any of the parts, so distinct identities never hash the same input.
    String hash = Hashing.sha256Hex(app + '\0' + phase.label() + '\0' + version, HASH_LENGTH);
    String prefix = KubernetesNames.truncate(name, MAX_BASE_LENGTH - HASH_LENGTH - 1);
    return prefix.isEmpty() ? hash : prefix + "-" + hash;
  }

  private static String join(String app, String phase, String version) {
    StringBuilder name = new StringBuilder();
    for (String part : new String[] {app, phase, version}) {
      if (!part.isEmpty()) {
        name.append(name.length() == 0 ? "" : "-").append(part);
      }
    }
    return name.toString();
  }

  /** The app's schema floor (the rollback guard): {@code kubemigrate-<app>-floor}. */
  public static String floorName(String app) {
    return RECORD_PREFIX + KubernetesNames.sanitize(app) + "-floor";
  }

  /** How messages name a run: {@code migration of APP VERSION (PHASE)}. */
  public static String describe(String app, Phase phase, String version) {
    return "migration of " + app + " " + version + " (" + phase.label() + ")";
  }
}
