package dev.kubemigrate.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class LogFollowerPositionTest {

  private static final Instant T1 = Instant.parse("2026-01-01T10:00:01.100Z");
  private static final Instant T2 = Instant.parse("2026-01-01T10:00:01.200Z");

  @Test
  @DisplayName("A resumed stream skips what was printed and prints what was not, once")
  void resumedStreamPrintsEachLineOnce() {
    // Given a stream that printed two lines with the same timestamp, then broke
    LogFollower.Position p = new LogFollower.Position();
    p.resume();
    assertThat(p.accept(T1)).isTrue();
    assertThat(p.accept(T2)).isTrue();
    assertThat(p.accept(T2)).isTrue();
    // When the stream resumes from the start of that second
    p.resume();
    assertThat(p.since()).isEqualTo(Instant.parse("2026-01-01T10:00:01Z"));
    // Then the lines already printed are skipped and the next one with that timestamp is printed
    assertThat(p.accept(T1)).isFalse();
    assertThat(p.accept(T2)).isFalse();
    assertThat(p.accept(T2)).isFalse();
    assertThat(p.accept(T2)).isTrue();
    assertThat(p.accept(T2.plusMillis(1))).isTrue();
  }

  @Test
  @DisplayName("Within one stream every line is printed, even if the clock stepped back")
  void clockSteppingBackLosesNoLine() {
    LogFollower.Position p = new LogFollower.Position();
    p.resume();
    assertThat(p.accept(T2)).isTrue();
    assertThat(p.accept(T1)).isTrue();
    assertThat(p.accept(T1)).isTrue();
  }

  @Test
  @DisplayName("A line without a timestamp is always printed")
  void untimedLinesPrinted() {
    assertThat(LogFollower.Line.parse("plain text").time()).isNull();
    assertThat(new LogFollower.Position().accept(null)).isTrue();
    assertThat(LogFollower.Line.parse("2026-01-01T10:00:01.123456789Z hello world").text())
        .isEqualTo("hello world");
  }
}
