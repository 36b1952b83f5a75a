package dev.kubemigrate.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

/**
 * The registry that scripts/local-cluster runs on the cluster's bridge (the CNCF distribution
 * registry, htpasswd auth, plain HTTP), with busybox pushed as {@code e2e/busybox:1.35}.
 */
record Registry(Scripts scripts, String address, String user, String password) {

  static Registry of(Scripts scripts) {
    Map<String, String> info = new HashMap<>();
    for (String line : scripts.run("local-cluster", "registry", "info").split("\n")) {
      int eq = line.indexOf('=');
      if (eq > 0) {
        info.put(line.substring(0, eq), line.substring(eq + 1).trim());
      }
    }
    try {
      String password = Files.readString(Path.of(info.get("password-file"))).trim();
      return new Registry(scripts, info.get("address"), info.get("user"), password);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  String image(String repositoryAndTag) {
    return address + "/" + repositoryAndTag;
  }

  /** A {@code .dockerconfigjson} for this registry with the given credentials. */
  String dockerConfig(String user, String password) {
    String auth =
        Base64.getEncoder()
            .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    return "{\"auths\":{\""
        + address
        + "\":{\"username\":\""
        + user
        + "\",\"password\":\""
        + password
        + "\",\"auth\":\""
        + auth
        + "\"}}}";
  }

  void stop() {
    scripts.run("local-cluster", "registry", "stop");
  }

  void start() {
    scripts.run("local-cluster", "registry", "start");
  }
}
