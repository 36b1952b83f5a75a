package dev.kubemigrate.record;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class LogTailTest {

  @Test
  @DisplayName("Keeps only the last lines, bounded in count")
  void boundedInLines() {
    LogTail tail = new LogTail(3, 1000);
    for (int i = 1; i <= 10; i++) {
      tail.add("line " + i);
    }
    assertThat(tail.text()).isEqualTo("line 8\nline 9\nline 10");
  }

  @Test
  @DisplayName("Keeps the record small however long the lines")
  void boundedInChars() {
    LogTail tail = new LogTail();
    for (int i = 0; i < 10_000; i++) {
      tail.add("x".repeat(5000));
    }
    assertThat(tail.text().length()).isLessThanOrEqualTo(LogTail.DEFAULT_MAX_CHARS);
    assertThat(tail.isEmpty()).isFalse();
  }
}
