package dev.kubemigrate.api;

/** Where a run of (app, phase, version) stands. Succeeded and Failed are final for an attempt. */
public enum RunState {
  /** Claimed: the record exists, the Job may not yet. */
  PENDING,
  /** The Job exists and is being watched. */
  RUNNING,
  SUCCEEDED,
  FAILED;

  public boolean isActive() {
    return this == PENDING || this == RUNNING;
  }

  public String display() {
    return name().charAt(0) + name().substring(1).toLowerCase(java.util.Locale.ROOT);
  }

  public static RunState parse(String value) {
    return RunState.valueOf(value.toUpperCase(java.util.Locale.ROOT));
  }
}
