package dev.kubemigrate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 10's input classes, without a cluster: each bad value is named with its own flag (or field)
 * and the value, in one line, exit 2, before anything connects: the kubeconfig given points at a
 * closed port, so a command that connected first would exit 5 instead. A broken kubeconfig is named
 * with its file and its problem.
 */
class InputErrorsTest {

  @TempDir static Path dir;

  private static final String CLOSED_PORT_CONFIG =
      "apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster: {server: 'https://127.0.0.1:1'}\n"
          + "users:\n- name: u\n  user: {token: t}\ncontexts:\n- name: x\n"
          + "  context: {cluster: c, user: u}\ncurrent-context: x\n";

  private static final String[] RUN = {"run", "--app", "shop", "--version", "1", "--image", "b:1"};

  static Stream<Arguments> badFlags() {
    return Stream.of(
        // the flag named in the message, the value, and the command line
        bad("--app", "Shop", "run", "--app", "Shop", "--version", "1", "--image", "b:1"),
        bad("--version", "a b", "run", "--app", "shop", "--version", "a b", "--image", "b:1"),
        bad("--image", "BUSY BOX", "run", "--app", "shop", "--version", "1", "--image", "BUSY BOX"),
        bad("--phase", "middle", with(RUN, "--phase", "middle")),
        bad("--timeout", "0s", with(RUN, "--timeout", "0s")),
        bad("--retries", "99", with(RUN, "--retries", "99")),
        bad("--startup-grace", "-1s", with(RUN, "--startup-grace", "-1s")),
        bad("--ttl", "1000000h", with(RUN, "--ttl", "1000000h")),
        bad("--env", "1A", with(RUN, "--env", "1A=b")),
        bad("--env-from", "Bad_S", with(RUN, "--env-from", "secret/Bad_S")),
        bad("--service-account", "Bad_SA", with(RUN, "--service-account", "Bad_SA")),
        bad("--image-pull-secret", "Bad_S", with(RUN, "--image-pull-secret", "Bad_S")),
        bad("--image-pull-policy", "sometimes", with(RUN, "--image-pull-policy", "sometimes")),
        bad("--node-selector", "a b=c", with(RUN, "--node-selector", "a b=c")),
        bad("--cpu", "-1", with(RUN, "--cpu", "-1")),
        bad("--cpu", "0", with(RUN, "--cpu", "0")),
        bad("--cpu", "5000", with(RUN, "--cpu", "5000")),
        bad("--memory", "1", with(RUN, "--memory", "1")),
        bad("--memory", "100Pi", with(RUN, "--memory", "100Pi")),
        bad("--memory", "lots", with(RUN, "--memory", "lots")),
        bad("--lock", "shared_db", with(RUN, "--lock", "shared_db")),
        bad("--on-interrupt", "kill", with(RUN, "--on-interrupt", "kill")),
        bad("-n/--namespace", "Bad_NS", with(RUN, "-n", "Bad_NS")),
        bad("--tool", "sqitch", with(RUN, "--tool", "sqitch")),
        bad(
            "--notify",
            "ftp://hooks.example/…",
            with(RUN, "--notify", "ftp://hooks.example/s3cret")),
        bad("--notify", "'…'", with(RUN, "--notify", "hooks.example/s3cret")),
        bad(
            "--notify",
            "https://hooks.example/…",
            with(RUN, "--notify", "https://u:s3cret@hooks.example/x")),
        bad("--dotenv", "/no/such/dir/out.env", with(RUN, "--dotenv", "/no/such/dir/out.env")),
        bad("--dotenv", "/tmp", with(RUN, "--dotenv", "/tmp")),
        bad(
            "--tool",
            "flyway2",
            "exec",
            "--app",
            "shop",
            "--version",
            "1",
            "--tool",
            "flyway2",
            "--",
            "true"),
        bad(
            "--kubemigrate-image",
            "BAD IMAGE",
            with(RUN, "--wait-for-db", "--kubemigrate-image", "BAD IMAGE")),
        bad(
            "--db",
            "mysql://u:***@h",
            with(
                RUN,
                "--wait-for-db",
                "--kubemigrate-image",
                "k:1",
                "--db",
                "mysql://u:s3cret@h:0")),
        bad(
            "--db-timeout",
            "0s",
            with(RUN, "--wait-for-db", "--kubemigrate-image", "k:1", "--db-timeout", "0s")),
        bad("--db", "a setting of --wait-for-db", with(RUN, "--db", "tcp://h:1")),
        // Without --wait-for-db too: the image of the start gate (Kubernetes before 1.26)
        bad("--kubemigrate-image", "BAD IMAGE", with(RUN, "--kubemigrate-image", "BAD IMAGE")),
        bad(
            "--kubemigrate-image",
            "Registry/Kubemigrate",
            with(RUN, "--kubemigrate-image", "Registry/Kubemigrate")),
        bad("--kubemigrate-image", "km:1:2", with(RUN, "--kubemigrate-image", "km:1:2")),
        bad("--kubemigrate-image", "is empty", with(RUN, "--kubemigrate-image", "")),
        bad("--kubemigrate-image", "is empty", with(RUN, "--kubemigrate-image", " ")),
        bad("--kubemigrate-image", "runs kubemigrate's own image", with(RUN, "--wait-for-db")),
        bad(
            "--lock",
            "shared_db",
            "exec",
            "--app",
            "shop",
            "--version",
            "1",
            "--lock",
            "shared_db",
            "--",
            "true"),
        bad("--app", "Shop", "exec", "--app", "Shop", "--version", "1", "--", "true"),
        bad(
            "--db",
            "db.shop:5432",
            "exec",
            "--app",
            "shop",
            "--version",
            "1",
            "--db",
            "db.shop:5432",
            "--",
            "true"),
        bad(
            "--db",
            "mongodb://u:***@db/x",
            "exec",
            "--app",
            "shop",
            "--version",
            "1",
            "--db",
            "mongodb://u:s3cret@db/x",
            "--",
            "true"),
        bad(
            "--db",
            "jdbc:postgresql://db:0/x",
            "exec",
            "--app",
            "shop",
            "--version",
            "1",
            "--db",
            "jdbc:postgresql://db:0/x",
            "--",
            "true"),
        bad(
            "--db-timeout",
            "-1s",
            "exec",
            "--app",
            "shop",
            "--version",
            "1",
            "--db-timeout",
            "-1s",
            "--",
            "true"),
        bad(
            "--db-timeout",
            "999999h",
            "exec",
            "--app",
            "shop",
            "--version",
            "1",
            "--db-timeout",
            "999999h",
            "--",
            "true"),
        bad("--timeout", "0s", "await", "--app", "shop", "--version", "1", "--timeout", "0s"),
        bad("-n/--namespace", "UPPER", "await", "--app", "shop", "--version", "1", "-n", "UPPER"),
        bad("--output", "xml", "status", "--app", "shop", "-o", "xml"),
        bad("--version", "1\\nx", "status", "--app", "shop", "--version", "1\nx"),
        bad("--app", "a\\tb", "history", "--app", "a\tb"),
        bad("--watch-namespace", "Bad_NS", "operator", "--watch-namespace", "Bad_NS"));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("badFlags")
  @DisplayName("a bad value is named with its own flag and the value, exit 2, before connecting")
  void badValueNamesItsFlag(String flag, String shown, String[] args) throws IOException {
    // Given a kubeconfig that cannot be reached: connecting first would be exit 5
    List<String> line = new ArrayList<>(List.of(args));
    line.addAll(line.indexOf("--") >= 0 ? line.indexOf("--") : line.size(), kubeconfigFlag());
    // When
    CliRunner.Result result = CliRunner.run(line.toArray(String[]::new));
    // Then
    assertThat(result.exitCode()).as(result.err()).isEqualTo(2);
    List<String> lines = result.err().lines().toList();
    assertThat(lines).as(result.err()).hasSize(2);
    // the flag, the value, and after a colon what would be accepted
    assertThat(lines.get(0)).contains(flag).contains(shown);
    assertThat(lines.get(0).substring(lines.get(0).indexOf(shown))).contains(": ");
    assertThat(lines.get(1)).startsWith("Try 'kubemigrate ");
    assertThat(result.err()).doesNotContain("s3cret"); // a password in a value is never shown
  }

  static Stream<Arguments> brokenKubeconfigs() {
    return Stream.of(
        Arguments.of("malformed", "clusters: [\n  {bad", "malformed YAML, line"),
        Arguments.of("binary", "\u0000\u00ff\u00fe\u0001", "is not text"),
        Arguments.of("empty", "", "is empty"),
        Arguments.of("a list", "- a\n- b\n", "expected a mapping"),
        Arguments.of(
            "no contexts",
            "apiVersion: v1\nclusters:\n- name: c\n  cluster: {server: 'https://h'}\n",
            "defines no contexts"),
        Arguments.of(
            "no current context",
            "contexts:\n- name: a\n  context: {cluster: c}\n- name: b\n  context: {cluster: c}\n",
            "sets no current-context: pass --context, one of: a, b"),
        Arguments.of(
            "a current context it does not define",
            "current-context: gone\ncontexts:\n- name: a\n  context: {cluster: c}\n",
            "current-context 'gone' is not a context of"),
        Arguments.of(
            "a cluster it does not define",
            "current-context: a\ncontexts:\n- name: a\n  context: {cluster: missing}\n",
            "names cluster 'missing', which it does not define"),
        Arguments.of(
            "a cluster without a server",
            "current-context: a\ncontexts:\n- name: a\n  context: {cluster: c}\n"
                + "clusters:\n- name: c\n  cluster: {insecure-skip-tls-verify: true}\n",
            "has no server address"),
        // What the selected cluster and user name: a file that is not there, a directory, data
        // that is not base64, content that is not what the field needs (junk.pem: "junk")
        credentials(
            "a CA file that is not there",
            "certificate-authority: no-ca.crt",
            "token: t",
            "cluster 'c': certificate-authority ",
            "no-ca.crt: no such file"),
        credentials(
            "a CA that is a directory",
            "certificate-authority: .",
            "token: t",
            "cluster 'c': certificate-authority ",
            ": is a directory, not a file"),
        credentials(
            "a CA file without a certificate",
            "certificate-authority: junk.pem",
            "token: t",
            "cluster 'c': certificate-authority junk.pem holds no certificate: expected PEM"),
        credentials(
            "CA data that is not base64",
            "certificate-authority-data: '%%%'",
            "token: t",
            "cluster 'c': certificate-authority-data holds no certificate"),
        credentials(
            "CA data without a certificate",
            "certificate-authority-data: " + base64("junk"),
            "token: t",
            "cluster 'c': certificate-authority-data holds no certificate"),
        credentials(
            "a client certificate that is not there",
            "insecure-skip-tls-verify: true",
            "client-certificate: no-client.crt, client-key: junk.pem",
            "user 'u': client-certificate ",
            "no-client.crt: no such file"),
        credentials(
            "a client certificate without a certificate",
            "insecure-skip-tls-verify: true",
            "client-certificate: junk.pem, client-key: junk.pem",
            "user 'u': client-certificate junk.pem holds no certificate"),
        credentials(
            "a client key that is not there",
            "insecure-skip-tls-verify: true",
            "client-key: no-client.key",
            "user 'u': client-key ",
            "no-client.key: no such file"),
        credentials(
            "a client key without a key",
            "insecure-skip-tls-verify: true",
            "client-key: junk.pem",
            "user 'u': client-key junk.pem holds no private key: expected PEM"),
        credentials(
            "client key data that is not base64",
            "insecure-skip-tls-verify: true",
            "client-key-data: '%%%'",
            "user 'u': client-key-data holds no private key"),
        credentials(
            "a client key whose PEM holds no key",
            "insecure-skip-tls-verify: true",
            "client-certificate-data: @CERT@, client-key-data: "
                + base64("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"),
            "no client can be made from ",
            "(check the user's client-certificate and client-key)"),
        credentials(
            "an exec plugin not on PATH",
            "insecure-skip-tls-verify: true",
            "exec: {apiVersion: client.authentication.k8s.io/v1beta1,"
                + " command: kubemigrate-no-such-plugin, installHint: 'install it:\n  with brew'}",
            "user 'u': exec command kubemigrate-no-such-plugin is not on PATH: install it: with"
                + " brew"),
        credentials(
            "an exec plugin path that is not a file",
            "insecure-skip-tls-verify: true",
            "exec: {apiVersion: client.authentication.k8s.io/v1beta1, command: ./no-plugin}",
            "user 'u': exec command ./no-plugin is not an executable file: install it, or fix"),
        credentials(
            "an exec plugin that fails",
            "insecure-skip-tls-verify: true",
            "exec: {apiVersion: client.authentication.k8s.io/v1beta1, command: sh,"
                + " args: ['-c', 'echo expired >&2; exit 3']}",
            "user 'u': the exec plugin sh gave no credentials"),
        credentials(
            "a token file that is not there",
            "insecure-skip-tls-verify: true",
            "tokenFile: no-token",
            "user 'u': tokenFile ",
            "no-token: no such file"));
  }

  /** A kubeconfig whose one cluster and user have these fields; the problem's parts in order. */
  private static Arguments credentials(
      String name, String clusterFields, String userFields, String... problem) {
    return Arguments.of(
        name,
        "apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster: {server: 'https://127.0.0.1:1', "
            + clusterFields
            + "}\nusers:\n- name: u\n  user: {"
            + userFields
            + "}\ncontexts:\n- name: x\n  context: {cluster: c, user: u}\ncurrent-context: x\n",
        String.join(
            ".*", java.util.Arrays.stream(problem).map(java.util.regex.Pattern::quote).toList()));
  }

  private static String certificate;

  /** A self-signed certificate, PEM, made once with the JDK's keytool. */
  private static String certificate() throws IOException {
    if (certificate == null) {
      List<String> common =
          List.of("-storetype", "PKCS12", "-storepass", "changeit", "-keystore", "cert.p12");
      List<String> make = new ArrayList<>(List.of(keytool(), "-genkeypair", "-alias", "c"));
      make.addAll(List.of("-keyalg", "RSA", "-dname", "CN=kubemigrate-test"));
      make.addAll(common);
      run(make);
      List<String> export =
          new ArrayList<>(List.of(keytool(), "-exportcert", "-rfc", "-alias", "c"));
      export.addAll(common);
      certificate = run(export);
    }
    return certificate;
  }

  private static String keytool() {
    return Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
  }

  private static String run(List<String> command) throws IOException {
    Process p =
        new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    String out =
        new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII);
    try {
      assertThat(p.waitFor()).as(String.join(" ", command) + ": " + out).isZero();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
    return out;
  }

  private static String base64(String text) {
    return java.util.Base64.getEncoder()
        .encodeToString(text.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("brokenKubeconfigs")
  @DisplayName(
      "a broken kubeconfig: its file and its problem in one line, exit 2, for each command")
  void brokenKubeconfigIsNamed(String name, String content, String problem) throws IOException {
    // Given
    Path file = dir.resolve(name.replace(' ', '-') + ".kubeconfig");
    Files.writeString(dir.resolve("junk.pem"), "junk\n");
    if (content.contains("@CERT@")) {
      content = content.replace("@CERT@", base64(certificate()));
    }
    Files.write(file, content.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
    for (String[] command :
        List.of(
            new String[] {"status", "--app", "shop"},
            new String[] {"await", "--app", "shop", "--version", "1"},
            new String[] {"history", "--app", "shop"},
            new String[] {"doctor"},
            with(RUN, "--", "true"))) {
      List<String> line = new ArrayList<>(List.of(command));
      line.addAll(
          line.indexOf("--") >= 0 ? line.indexOf("--") : line.size(),
          List.of("--kubeconfig", file.toString()));
      // When
      CliRunner.Result result = CliRunner.run(line.toArray(String[]::new));
      // Then
      assertThat(result.exitCode()).as(name + ": " + result.err()).isEqualTo(2);
      assertThat(result.err().lines().findFirst().orElse(""))
          .as(name)
          .contains(file.toString())
          .containsPattern(
              problem.contains("\\Q") ? problem : java.util.regex.Pattern.quote(problem));
      assertThat(result.err()).as(name).doesNotContain("\tat ");
    }
  }

  @Test
  @DisplayName(
      "an exec plugin that prints a token, or a client certificate, passes: the command goes on to"
          + " connect (exit 5 at a closed port)")
  void workingExecPluginPasses() throws Exception {
    String cert = json(certificate());
    String key = json(privateKey());
    Map<String, String> statuses =
        Map.of(
            "token",
            "{\"token\":\"abc\"}",
            "client-certificate",
            "{\"clientCertificateData\":" + cert + ",\"clientKeyData\":" + key + "}");
    for (Map.Entry<String, String> status : statuses.entrySet()) {
      Path credential = dir.resolve(status.getKey() + ".json");
      Files.writeString(
          credential,
          "{\"apiVersion\":\"client.authentication.k8s.io/v1beta1\",\"kind\":\"ExecCredential\","
              + "\"status\":"
              + status.getValue()
              + "}");
      Path plugin = dir.resolve(status.getKey() + "-plugin.sh");
      Files.writeString(plugin, "#!/bin/sh\ncat '" + credential + "'\n");
      assertThat(plugin.toFile().setExecutable(true)).isTrue();
      Path file = dir.resolve(status.getKey() + "-plugin.kubeconfig");
      Files.writeString(
          file,
          CLOSED_PORT_CONFIG.replace(
              "user: {token: t}",
              "user: {exec: {apiVersion: client.authentication.k8s.io/v1beta1, command: '"
                  + plugin
                  + "'}}"));
      CliRunner.Result result =
          CliRunner.run("status", "--app", "shop", "--kubeconfig", file.toString());
      assertThat(result.exitCode()).as(status.getKey() + ": " + result.err()).isEqualTo(5);
      assertThat(result.err()).as(status.getKey()).contains("cannot reach the API server");
    }
  }

  @Test
  @DisplayName(
      "what kubectl does not use is not checked: an inline token with a missing tokenFile, or with"
          + " an exec plugin that is not installed; a CA file with a key or a CRL after the"
          + " certificate")
  void unusedCredentialsPass() throws Exception {
    String pem = certificate().replace("\r", "");
    Files.writeString(
        dir.resolve("ca-and-more.pem"),
        pem
            + "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"
            + "-----BEGIN X509 CRL-----\nAAAA\n-----END X509 CRL-----\n");
    for (String[] user :
        new String[][] {
          {"token with a missing tokenFile", "{token: t, tokenFile: no-such-token}", ""},
          {
            "token with a plugin not installed",
            "{token: t, exec: {apiVersion: client.authentication.k8s.io/v1beta1,"
                + " command: kubemigrate-no-such-plugin}}",
            ""
          },
          {"a CA file with a key and a CRL after it", "{token: t}", "ca-and-more.pem"}
        }) {
      Path file = dir.resolve("unused.kubeconfig");
      String config = CLOSED_PORT_CONFIG.replace("user: {token: t}", "user: " + user[1]);
      if (!user[2].isEmpty()) {
        config =
            config.replace(
                "server: 'https://127.0.0.1:1'",
                "server: 'https://127.0.0.1:1', certificate-authority: " + user[2]);
      }
      Files.writeString(file, config);
      CliRunner.Result result =
          CliRunner.run("status", "--app", "shop", "--kubeconfig", file.toString());
      assertThat(result.exitCode()).as(user[0] + ": " + result.err()).isEqualTo(5);
      assertThat(result.err()).as(user[0]).contains("cannot reach the API server");
    }
  }

  /** {@code text} as a JSON string. */
  private static String json(String text) {
    return "\""
        + text.replace("\\", "\\\\").replace("\"", "\\\"").replace("\r", "\\r").replace("\n", "\\n")
        + "\"";
  }

  /** The private key of {@link #certificate()}, PEM (PKCS#8). */
  private static String privateKey() throws Exception {
    certificate();
    java.security.KeyStore store = java.security.KeyStore.getInstance("PKCS12");
    try (java.io.InputStream in = Files.newInputStream(dir.resolve("cert.p12"))) {
      store.load(in, "changeit".toCharArray());
    }
    byte[] der = store.getKey("c", "changeit".toCharArray()).getEncoded();
    return "-----BEGIN PRIVATE KEY-----\n"
        + java.util.Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END PRIVATE KEY-----\n";
  }

  @Test
  @DisplayName("a --kubeconfig or --context that is not there is named: missing, a directory")
  void missingKubeconfigOrContext() throws IOException {
    Path config = dir.resolve("closed.kubeconfig");
    Files.writeString(config, CLOSED_PORT_CONFIG);
    String[][] cases = {
      {
        "--kubeconfig",
        dir.resolve("nope").toString(),
        "--kubeconfig " + dir.resolve("nope") + ": no such file"
      },
      {"--kubeconfig", dir.toString(), "is a directory, not a kubeconfig file"},
      {
        "--kubeconfig",
        config.toString(),
        "--context",
        "prod",
        "--context 'prod' is not a context of --kubeconfig " + config + ": use one of: x"
      }
    };
    for (String[] c : cases) {
      List<String> line = new ArrayList<>(List.of("status", "--app", "shop"));
      line.addAll(List.of(c).subList(0, c.length - 1));
      CliRunner.Result result = CliRunner.run(line.toArray(String[]::new));
      assertThat(result.exitCode()).as(result.err()).isEqualTo(2);
      assertThat(result.err()).contains(c[c.length - 1]);
    }
  }

  @Test
  @DisplayName("-o json prints the result object on stdout for an input error too")
  void jsonOnInputError() throws IOException {
    // When
    CliRunner.Result result =
        CliRunner.run("await", "--app", "shop", "--version", "1", "--timeout", "0s", "-o", "json");
    // Then
    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.out())
        .contains("\"exitCode\" : 2")
        .contains("\"how\" : \"error\"")
        .contains("\"reason\" : \"InvalidSpec\"")
        .contains("--timeout");
  }

  private static List<String> kubeconfigFlag() throws IOException {
    Path config = dir.resolve("closed.kubeconfig");
    Files.writeString(config, CLOSED_PORT_CONFIG);
    return List.of("--kubeconfig", config.toString());
  }

  private static Arguments bad(String flag, String shown, String... args) {
    return Arguments.of(flag, shown, args);
  }

  private static String[] with(String[] base, String... more) {
    String[] all = new String[base.length + more.length];
    System.arraycopy(base, 0, all, 0, base.length);
    System.arraycopy(more, 0, all, base.length, more.length);
    return all;
  }
}
