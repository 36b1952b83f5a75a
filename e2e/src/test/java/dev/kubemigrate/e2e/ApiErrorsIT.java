package dev.kubemigrate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue 10's API-side classes on the real cluster: an unreachable server, a forbidden identity and
 * a namespace that does not exist each end every command in one line (no stack trace, no Status
 * dump), with the documented exit code, at once, with the result object under {@code -o json}, and
 * nothing created.
 */
@ExtendWith(LocalCluster.class)
class ApiErrorsIT {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** One command line of each mode that talks to the cluster. */
  private static List<String[]> commands(String ns) {
    return List.of(
        new String[] {
          "run", "--app", "shop", "--version", "1", "--image", Images.BUSYBOX, "-n", ns
        },
        new String[] {"await", "--app", "shop", "--version", "1", "--timeout", "20s", "-n", ns},
        new String[] {"status", "--app", "shop", "-n", ns},
        new String[] {"logs", "--app", "shop", "--version", "1", "-n", ns},
        new String[] {"history", "--app", "shop", "-n", ns},
        new String[] {"exec", "--app", "shop", "--version", "1", "-n", ns, "--", "true"},
        new String[] {"doctor", "-n", ns});
  }

  @Test
  @DisplayName(
      "A closed port fails every command in well under the connect timeout: exit 5, the address,"
          + " one line, and -o json still prints the result object")
  void unreachableServerFailsFast(Kubemigrate km, TestNamespace ns) {
    // Given a kubeconfig whose server is a closed port on loopback
    Kubemigrate closed = km.withKubeconfig(kubeconfig("https://127.0.0.1:1"));
    for (String[] command : commands(ns.name())) {
      // When
      long start = System.nanoTime();
      Kubemigrate.Result r = closed.run(command);
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      // Then
      String what = String.join(" ", command);
      assertThat(r.exitCode()).as(what + "\n" + r).isEqualTo(5);
      assertOneLine(r, what)
          .contains("cannot reach the API server at https://127.0.0.1:1/ (connection refused)");
      // the JVM's start-up included: the refused connection itself is not retried
      assertThat(took).as(what).isLessThan(Duration.ofSeconds(5));
    }
    // A secret in a literal env value is warned of, and never printed
    Kubemigrate.Result warned =
        closed.run(
            "run",
            "--app",
            "shop",
            "--version",
            "1",
            "--image",
            Images.BUSYBOX,
            "-n",
            ns.name(),
            "--env",
            "DB_PASSWORD=hunter2",
            "--env",
            "DB_URL=postgres://app:sekret@db/shop",
            "--env",
            "DB_HOST=db");
    assertThat(warned.stderr())
        .contains("warning: env DB_PASSWORD, DB_URL carry a secret in clear text")
        .contains("--env-from secret/NAME")
        .doesNotContain("hunter2")
        .doesNotContain("sekret")
        .doesNotContain("DB_HOST");
    for (String command : List.of("run", "await", "status", "history")) {
      List<String> args = new ArrayList<>(List.of(commands(ns.name()).get(indexOf(command))));
      args.addAll(List.of("-o", "json"));
      Kubemigrate.Result r = closed.run(args.toArray(String[]::new));
      JsonNode result = json(r.stdout(), command);
      assertThat(result.path("exitCode").asInt()).as(command).isEqualTo(5);
      assertThat(result.path("reason").asText()).as(command).isEqualTo("Unreachable");
      assertThat(result.path("summary").asText()).as(command).contains("127.0.0.1:1");
      assertThat(result.path("hint").asText()).as(command).isNotBlank();
    }
  }

  @Test
  @DisplayName(
      "A forbidden identity ends await, exec, status and the operator in one line naming the verb"
          + " and resource: exit 5, no stack trace, JSON under -o json")
  void forbiddenIsOneLine(Kubemigrate km, TestNamespace ns, KubernetesClient client) {
    // Given a service account with no rights at all
    ServiceAccounts.create(client, ns.name(), "nobody");
    Kubemigrate nobody = km.withKubeconfig(ServiceAccounts.kubeconfig(client, ns.name(), "nobody"));
    List<String[]> all = new ArrayList<>(commands(ns.name()));
    all.add(new String[] {"operator", "-n", ns.name(), "--metrics-port", "-1"});
    for (String[] command : all) {
      if (command[0].equals("doctor")) {
        continue; // doctor's answer to missing rights is its report: RunFailuresIT checks it
      }
      // When
      Kubemigrate.Result r = nobody.run(command);
      // Then
      String what = String.join(" ", command);
      assertThat(r.exitCode()).as(what + "\n" + r).isEqualTo(5);
      assertOneLine(r, what).contains("forbidden: missing permission to").contains(ns.name());
    }
    Kubemigrate.Result json =
        nobody.run("await", "--app", "shop", "--version", "1", "-n", ns.name(), "-o", "json");
    assertThat(json(json.stdout(), "await").path("reason").asText()).isEqualTo("Forbidden");
    assertThat(client.batch().v1().jobs().inNamespace(ns.name()).list().getItems()).isEmpty();
  }

  @Test
  @DisplayName(
      "A namespace that does not exist: every command says so in one line and exits 7 at once"
          + " (await does not wait out its timeout, doctor does not say ok); a malformed one is"
          + " exit 2 before connecting")
  void missingNamespace(Kubemigrate km, KubernetesClient client) {
    for (String missing : List.of("no-such-ns", "shop-staging-7")) {
      for (String[] command : commands(missing)) {
        // When
        long start = System.nanoTime();
        Kubemigrate.Result r = km.run(command);
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        // Then
        String what = String.join(" ", command);
        assertThat(r.exitCode()).as(what + "\n" + r).isEqualTo(7);
        assertOneLine(r, what).contains("namespace " + missing + " does not exist");
        assertThat(took).as(what).isLessThan(Duration.ofSeconds(15));
      }
      assertThat(client.namespaces().withName(missing).get()).isNull();
    }
    for (String malformed : List.of("Bad_NS", "UPPER", "-dash", "a.b")) {
      for (String[] command : commands(malformed)) {
        Kubemigrate.Result r = km.run(command);
        String what = String.join(" ", command);
        assertThat(r.exitCode()).as(what + "\n" + r).isEqualTo(2);
        assertThat(r.stderr()).as(what).contains("invalid -n/--namespace '" + malformed + "'");
      }
    }
  }

  private static int indexOf(String command) {
    List<String[]> all = commands("x");
    for (int i = 0; i < all.size(); i++) {
      if (all.get(i)[0].equals(command)) {
        return i;
      }
    }
    throw new IllegalArgumentException(command);
  }

  /** stderr holds exactly one line from kubemigrate (after run's first progress line). */
  private static org.assertj.core.api.AbstractStringAssert<?> assertOneLine(
      Kubemigrate.Result r, String what) {
    List<String> lines =
        r.stderr().lines().filter(line -> !line.startsWith("[")).toList(); // run's progress
    assertThat(lines).as(what + "\n" + r).hasSize(1);
    assertThat(r.stderr())
        .as(what)
        .doesNotContain("\tat ")
        .doesNotContain("Exception")
        .doesNotContain("Status(")
        .doesNotContain("null");
    return assertThat(lines.get(0)).as(what).startsWith("kubemigrate");
  }

  private static JsonNode json(String stdout, String what) {
    try {
      return JSON.readTree(stdout);
    } catch (IOException e) {
      throw new AssertionError(what + ": stdout is not one JSON object: " + stdout, e);
    }
  }

  private static Path kubeconfig(String server) {
    try {
      Path config = Files.createTempFile("kubeconfig-unreachable", ".yaml");
      Files.writeString(
          config,
          "apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster: {server: \""
              + server
              + "\", insecure-skip-tls-verify: true}\nusers:\n- name: u\n  user: {token: t}\n"
              + "contexts:\n- name: x\n  context: {cluster: c, user: u}\ncurrent-context: x\n");
      return config;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
