package dev.kubemigrate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The README's expand-and-contract walkthrough, run as it is written there (read from the README
 * between its markers), with real Flyway on a real PostgreSQL: the commands a user types cannot go
 * stale.
 */
@ExtendWith(LocalCluster.class)
class WalkthroughIT {

  private static final Pattern BLOCK =
      Pattern.compile(
          "<!-- walkthrough:start -->\\s*```sh\\n(.*?)```\\s*<!-- walkthrough:end -->",
          Pattern.DOTALL);

  @Test
  @DisplayName(
      "The README's walkthrough: 1.0.0, then 2.0.0's expand, rollout and contract, and the guard"
          + " refusing a rollback; the schema is the contracted one")
  void readmeWalkthroughRuns(KubernetesClient client, TestNamespace ns, Postgres db, Kubemigrate km)
      throws Exception {
    Path root = Scripts.ofProject().root();
    Matcher block = BLOCK.matcher(Files.readString(root.resolve("README.md")));
    assertThat(block.find()).as("the README's walkthrough block").isTrue();
    client.secrets().inNamespace(ns.name()).resource(db.flywaySecret("shop-db")).create();

    ProcessBuilder bash = new ProcessBuilder("bash", "-euo", "pipefail", "-c", block.group(1));
    bash.directory(root.toFile()).redirectErrorStream(true);
    bash.environment().put("NS", ns.name());
    bash.environment().put("KUBECONFIG", km.kubeconfig().toString());
    bash.environment().put("PATH", root.resolve("bin") + ":" + System.getenv("PATH"));
    Process p = bash.start();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Thread pump =
        new Thread(
            () -> {
              try {
                p.getInputStream().transferTo(out);
              } catch (java.io.IOException e) {
                // the process ended: what came is kept
              }
            });
    pump.start();
    boolean ended = p.waitFor(6, TimeUnit.MINUTES);
    if (!ended) {
      p.destroyForcibly();
    }
    pump.join(5000);
    String output = out.toString(StandardCharsets.UTF_8);
    assertThat(ended).as(output).isTrue();
    assertThat(p.exitValue()).as(output).isZero();
    assertThat(output)
        .contains("waiting for deployment/shop")
        .contains("compatible from 2.0.0")
        .contains("SchemaContracted")
        .contains("rollback guard: 1.0.0 is older than 2.0.0");
    // The schema is 2.0.0's, contracted: full_name gone, display_name kept, with its rows
    assertThat(db.count("SELECT count(*) FROM flyway_schema_history WHERE success")).isEqualTo(3);
    assertThat(
            db.count(
                "SELECT count(*) FROM information_schema.columns WHERE table_name = 'customers'"
                    + " AND column_name = 'full_name'"))
        .isZero();
    assertThat(db.count("SELECT count(*) FROM customers WHERE display_name IS NOT NULL"))
        .isEqualTo(2);
  }
}
