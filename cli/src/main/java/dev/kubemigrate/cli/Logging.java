package dev.kubemigrate.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.slf4j.LoggerFactory;

/**
 * The libraries' own logs: off while a command runs, since every failure they log also reaches
 * kubemigrate, which says it in one line; on with {@code --verbose}, and in the operator once it
 * has started (a long-running service's watch errors are worth a line).
 */
final class Logging {

  private static final String[] LIBRARIES = {"io.fabric8", "io.javaoperatorsdk", "io.vertx"};

  private Logging() {}

  /**
   * No logging at all, for a command that is not the operator and not {@code --verbose}: what it
   * has to say goes through its own writers, and the libraries' logs are off anyway. Setting up
   * logback (its XML configuration, 500 classes) was a tenth of {@code await}'s start-up. Called
   * before anything logs.
   */
  static void off() {
    System.setProperty("slf4j.internal.verbosity", "WARN");
    System.setProperty("slf4j.provider", "org.slf4j.helpers.NOP_FallbackServiceProvider");
  }

  /** Shows the libraries' warnings and errors from now on. */
  static void showLibraries() {
    for (String name : LIBRARIES) {
      ((Logger) LoggerFactory.getLogger(name)).setLevel(Level.WARN);
    }
  }
}
