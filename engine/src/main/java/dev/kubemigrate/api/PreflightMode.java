package dev.kubemigrate.api;

import java.util.Locale;

/**
 * How a run checks, before it claims anything, that its pod can start: every referenced Secret,
 * ConfigMap and key, the service account and the image pull secrets.
 */
public enum PreflightMode {
  /** Check what the identity may read; say once which checks were skipped for want of a verb. */
  AUTO,
  /** Check everything; a check the identity may not make is a problem too. */
  STRICT,
  /** No pre-flight: the pod's own errors are the first sign. */
  OFF;

  /** {@code auto}, {@code strict} or {@code off}, as the flag and the spec take it. */
  public static PreflightMode parse(String text, String what) {
    for (PreflightMode mode : values()) {
      if (mode.name().toLowerCase(Locale.ROOT).equals(text)) {
        return mode;
      }
    }
    throw KubemigrateException.usage("invalid %s '%s': use auto, strict or off", what, text);
  }

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
