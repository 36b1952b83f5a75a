package dev.kubemigrate.ci;

import java.util.Map;

/** Who started a run, from the variables that the usual CI systems set. Pure. */
public final class CiEnvironment {

  private CiEnvironment() {}

  /** A link to the CI run when there is one, else {@code user@host}. */
  public static String startedBy(
      Map<String, String> env, String fallbackUser, String fallbackHost) {
    String github = env.get("GITHUB_RUN_ID");
    if (github != null && env.get("GITHUB_REPOSITORY") != null) {
      return env.getOrDefault("GITHUB_SERVER_URL", "https://github.com")
          + "/"
          + env.get("GITHUB_REPOSITORY")
          + "/actions/runs/"
          + github;
    }
    for (String key :
        new String[] {"CI_JOB_URL", "BUILD_URL", "BUILDKITE_BUILD_URL", "CIRCLE_BUILD_URL"}) {
      if (notBlank(env.get(key))) {
        return env.get(key);
      }
    }
    if (notBlank(env.get("SYSTEM_COLLECTIONURI")) && notBlank(env.get("BUILD_BUILDID"))) {
      return env.get("SYSTEM_COLLECTIONURI")
          + env.getOrDefault("SYSTEM_TEAMPROJECT", "")
          + "/_build/results?buildId="
          + env.get("BUILD_BUILDID");
    }
    String user = env.getOrDefault("USER", env.getOrDefault("USERNAME", fallbackUser));
    return user + "@" + fallbackHost;
  }

  private static boolean notBlank(String s) {
    return s != null && !s.isBlank();
  }
}
