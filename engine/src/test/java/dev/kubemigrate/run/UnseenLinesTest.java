package dev.kubemigrate.run;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The log lines the follower never delivered, found against the kubelet's tail of the log. */
class UnseenLinesTest {

  @Test
  @DisplayName("a follower that got nothing: every line of the tail is printed")
  void nothingFollowed() {
    assertThat(RunEngine.unseen("", "applying V7\nERROR: relation"))
        .containsExactly("applying V7", "ERROR: relation");
  }

  @Test
  @DisplayName("a follower that got everything: nothing is printed twice")
  void everythingFollowed() {
    assertThat(RunEngine.unseen("a\nb\nc", "a\nb\nc")).isEmpty();
    assertThat(RunEngine.unseen("a\nb\nc", "b\nc")).isEmpty();
  }

  @Test
  @DisplayName("a follower that lost the end: only what came after its last line")
  void endLost() {
    assertThat(RunEngine.unseen("a\nb", "a\nb\nc\nd")).containsExactly("c", "d");
    // the kubelet's tail starts later than what was followed
    assertThat(RunEngine.unseen("1\n2\n3\n4", "3\n4\n5")).containsExactly("5");
  }

  @Test
  @DisplayName(
      "what cannot be lined up is not printed, rather than twice; an empty tail prints nothing")
  void noOverlap() {
    assertThat(RunEngine.unseen("x\ny", "a\nb")).isEmpty();
    assertThat(RunEngine.unseen("a", "")).isEmpty();
    assertThat(RunEngine.unseen("", "")).isEmpty();
  }
}
