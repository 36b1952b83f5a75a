package dev.kubemigrate.record;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The last lines of a log, bounded in lines and bytes so that a record (a ConfigMap, at most 1 MiB)
 * never grows with the log. Thread-safe: the log follower appends while the engine reads.
 */
public final class LogTail {

  public static final int DEFAULT_MAX_LINES = 200;
  public static final int DEFAULT_MAX_CHARS = 32 * 1024;
  private static final int MAX_LINE_CHARS = 2048;

  private final int maxLines;
  private final int maxChars;
  private final Deque<String> lines = new ArrayDeque<>();
  private int chars;

  public LogTail() {
    this(DEFAULT_MAX_LINES, DEFAULT_MAX_CHARS);
  }

  public LogTail(int maxLines, int maxChars) {
    this.maxLines = maxLines;
    this.maxChars = maxChars;
  }

  public synchronized void add(String line) {
    String kept = line.length() > MAX_LINE_CHARS ? line.substring(0, MAX_LINE_CHARS) + "…" : line;
    lines.addLast(kept);
    chars += kept.length() + 1;
    while (lines.size() > maxLines || (chars > maxChars && lines.size() > 1)) {
      chars -= lines.removeFirst().length() + 1;
    }
  }

  public synchronized boolean isEmpty() {
    return lines.isEmpty();
  }

  /** The kept lines, joined with newlines. */
  public synchronized String text() {
    return String.join("\n", lines);
  }
}
