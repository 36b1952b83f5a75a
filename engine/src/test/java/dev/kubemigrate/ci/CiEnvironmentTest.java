package dev.kubemigrate.ci;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class CiEnvironmentTest {

  @Test
  @DisplayName("On GitHub Actions the run is linked")
  void githubActions() {
    assertThat(
            CiEnvironment.startedBy(
                Map.of("GITHUB_RUN_ID", "42", "GITHUB_REPOSITORY", "acme/shop"), "u", "h"))
        .isEqualTo("https://github.com/acme/shop/actions/runs/42");
  }

  @Test
  @DisplayName("On GitLab the job URL is used")
  void gitlab() {
    assertThat(CiEnvironment.startedBy(Map.of("CI_JOB_URL", "https://gl/job/7"), "u", "h"))
        .isEqualTo("https://gl/job/7");
  }

  @Test
  @DisplayName("Outside CI it is user@host")
  void outsideCi() {
    assertThat(CiEnvironment.startedBy(Map.of("USER", "ada"), "root", "laptop"))
        .isEqualTo("ada@laptop");
    assertThat(CiEnvironment.startedBy(Map.of(), "root", "laptop")).isEqualTo("root@laptop");
  }
}
