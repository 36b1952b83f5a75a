package dev.kubemigrate.cli;

import java.util.concurrent.atomic.AtomicInteger;
import sun.misc.Signal;

/**
 * Ctrl-C and SIGTERM. The first asks the running command to stop cleanly (it prints its summary and
 * exits 130); a second one exits at once. Signal handlers rather than a shutdown hook, because a
 * shutdown hook cannot choose the exit code.
 */
final class Interrupts {

  private Interrupts() {}

  static void onInterrupt(Runnable stop) {
    AtomicInteger count = new AtomicInteger();
    for (String name : new String[] {"INT", "TERM"}) {
      try {
        Signal.handle(
            new Signal(name),
            signal -> {
              if (count.incrementAndGet() == 1) {
                System.err.println("\ninterrupted (SIG" + signal.getName() + "); stopping…");
                stop.run();
              } else {
                // Asked twice: the user wants out now.
                Runtime.getRuntime().halt(130);
              }
            });
      } catch (IllegalArgumentException e) {
        // This platform has no such signal.
      }
    }
  }
}
