package dev.kubemigrate.cli;

import java.time.Duration;
import java.util.List;

/**
 * Lets the JVM exit without its wait for threads in native code. On {@link System#exit}, HotSpot
 * waits up to 300 ms (30 polls of 10 ms) for every Java thread that is in native code to leave it,
 * and the JDK's HTTP client keeps one thread per client in a native {@code epoll_wait} for as long
 * as the client lives: every command paid those 300 ms after its last line (`bin/kubemigrate await`
 * of a finished record: 1.59 s in all, 1.24 s without them; median of 7, alternating). That thread
 * waits in a {@link java.nio.channels.Selector}, which an interrupt wakes; woken, the client's loop
 * ends and the thread with it.
 */
final class QuickExit {

  /** The JDK's name for its HTTP client's selector thread: "HttpClient-N-SelectorManager". */
  static final String SELECTOR_THREAD_SUFFIX = "-SelectorManager";

  private static final Duration MAX_WAIT = Duration.ofMillis(100);

  private QuickExit() {}

  /**
   * Wakes the HTTP clients' selector threads and waits, at most {@link #MAX_WAIT} in all, for them
   * to end. Only for the moment before {@link System#exit}: the clients cannot be used after it.
   */
  static void prepare() {
    List<Thread> selectors =
        Thread.getAllStackTraces().keySet().stream()
            .filter(t -> t != Thread.currentThread())
            .filter(t -> t.getName().endsWith(SELECTOR_THREAD_SUFFIX))
            .toList();
    // All woken first: a slow one does not leave the others in native code.
    selectors.forEach(Thread::interrupt);
    long giveUp = System.nanoTime() + MAX_WAIT.toNanos();
    for (Thread t : selectors) {
      long left = giveUp - System.nanoTime();
      if (left <= 0) {
        return;
      }
      try {
        t.join(Math.max(1, left / 1_000_000));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
