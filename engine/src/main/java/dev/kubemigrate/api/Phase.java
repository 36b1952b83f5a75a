package dev.kubemigrate.api;

import java.util.Locale;

/** When a migration runs relative to the rollout of its app version. */
public enum Phase {
  /** Expand: runs before the new version is rolled out. The default. */
  PRE,
  /**
   * Contract: runs once the rollout has finished and no pod of an older version is left (with
   * {@code --after}); its success raises the schema's compatibility floor ({@link SchemaFloor}).
   */
  POST,
  /**
   * A down migration: undoes a contract, so that older versions fit the schema again; its success
   * sets the floor to its {@code --compatible-from}. The rollback guard's way out.
   */
  DOWN;

  /**
   * Parses {@code pre} or {@code post}, in any case.
   *
   * @throws KubemigrateException a usage error naming the allowed values
   */
  public static Phase parse(String text) {
    if (text != null) {
      for (Phase phase : values()) {
        if (phase.label().equalsIgnoreCase(text.trim())) {
          return phase;
        }
      }
    }
    throw KubemigrateException.usage(
        "invalid phase '%s' (--phase, spec.phase): use pre, post or down", text);
  }

  /** The lower-case name used on the command line, in labels and in names. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
