package dev.kubemigrate.kube;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.client.Config;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link Kubeconfigs#clientConfig} makes the client's configuration exactly as fabric8's {@code
 * Config.fromKubeconfig} does, for every shape of kubeconfig a user may have: every field of the
 * two, written out as JSON, is compared.
 */
class KubeconfigClientConfigTest {

  private static final String CA =
      b64("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n");

  private static final String HEAD =
      "apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    server: https://10.0.0.1:6443\n";

  static Stream<Arguments> kubeconfigs() {
    return Stream.of(
        Arguments.of(
            "client certificate and key as data, CA data, a namespace",
            HEAD
                + "    certificate-authority-data: "
                + CA
                + "\n"
                + "users:\n- name: u\n  user:\n"
                + "    client-certificate-data: "
                + CA
                + "\n"
                + "    client-key-data: "
                + b64("-----BEGIN EC PRIVATE KEY-----\nMHc\n-----END EC PRIVATE KEY-----\n")
                + "\n"
                + "contexts:\n- name: x\n  context: {cluster: c, user: u, namespace: shop}\n"
                + "current-context: x\n",
            null),
        Arguments.of(
            "files relative to the kubeconfig, and a token",
            HEAD
                + "    certificate-authority: pki/ca.crt\n"
                + "users:\n- name: u\n  user:\n"
                + "    client-certificate: pki/client.crt\n"
                + "    client-key: /abs/client.key\n"
                + "    token: abc.def\n"
                + "contexts:\n- name: x\n  context: {cluster: c, user: u}\n"
                + "current-context: x\n",
            null),
        Arguments.of(
            "two contexts, the one --context names",
            HEAD
                + "- name: d\n  cluster:\n    server: https://d.example:443\n    insecure-skip-tls-verify: true\n"
                + "users:\n- name: u\n  user: {token: one}\n- name: v\n  user: {username: admin, password: secret}\n"
                + "contexts:\n- name: x\n  context: {cluster: c, user: u}\n"
                + "- name: y\n  context: {cluster: d, user: v, namespace: other}\n"
                + "current-context: x\n",
            "y"),
        Arguments.of(
            "an exec plugin that prints a token",
            HEAD
                + "users:\n- name: u\n  user:\n    exec:\n"
                + "      apiVersion: client.authentication.k8s.io/v1beta1\n"
                + "      command: @DIR@/credential.sh\n"
                + "contexts:\n- name: x\n  context: {cluster: c, user: u}\n"
                + "current-context: x\n",
            null),
        Arguments.of(
            "an OIDC auth provider with an id-token",
            HEAD
                + "users:\n- name: u\n  user:\n    auth-provider:\n      name: oidc\n"
                + "      config: {id-token: the-id-token, client-id: k}\n"
                + "contexts:\n- name: x\n  context: {cluster: c, user: u}\n"
                + "current-context: x\n",
            null),
        Arguments.of(
            "extensions, a proxy, YAML 1.1 words and numbers as values",
            HEAD
                + "    proxy-url: http://proxy.example:3128\n"
                + "    extensions:\n    - name: e\n      extension: {apiVersion: v1, kind: ConfigMap, metadata: {name: m}}\n"
                + "users:\n- name: u\n  user: {token: yes}\n"
                + "contexts:\n- name: x\n  context: {cluster: c, user: u, namespace: 0123}\n"
                + "current-context: x\n"
                + "preferences: {colors: true}\n",
            null),
        Arguments.of(
            "a kubeconfig fabric8 cannot read: the same failure",
            "apiVersion: v1\nclusters: 5\ncontexts:\n- name: x\n  context: {cluster: c}\ncurrent-context: x\n",
            null));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("kubeconfigs")
  @DisplayName("The same client configuration as fabric8's Config.fromKubeconfig")
  void sameAsFabric8(String shape, String yaml, String context, @TempDir Path dir)
      throws Exception {
    Path plugin = dir.resolve("credential.sh");
    Files.writeString(
        plugin,
        "#!/bin/sh\necho '{\"apiVersion\":\"client.authentication.k8s.io/v1beta1\","
            + "\"kind\":\"ExecCredential\",\"status\":{\"token\":\"from-exec\"}}'\n");
    assertThat(plugin.toFile().setExecutable(true)).isTrue();
    Path file = dir.resolve("config");
    Files.writeString(file, yaml.replace("@DIR@", dir.toString()));
    Config theirs = null;
    Throwable theirFailure = null;
    try {
      theirs = Config.fromKubeconfig(context, file.toFile());
    } catch (RuntimeException e) {
      theirFailure = e;
    }
    Config ours = null;
    Throwable ourFailure = null;
    try {
      ours = Kubeconfigs.clientConfig(file, context);
    } catch (RuntimeException e) {
      ourFailure = e;
    }
    if (theirs == null) {
      assertThat(ourFailure).as(shape).isNotNull().hasMessage(theirFailure.getMessage());
      return;
    }
    assertThat(ourFailure).as(shape).isNull();
    ObjectMapper json = new ObjectMapper();
    JsonNode expected = json.valueToTree(theirs);
    JsonNode actual = json.valueToTree(ours);
    assertThat(actual).as(shape).isEqualTo(expected);
    assertThat(ours.getMasterUrl()).as(shape).isNotBlank();
    if (yaml.contains("exec:")) {
      assertThat(ours.getAutoOAuthToken()).as("the plugin ran").isEqualTo("from-exec");
    }
  }

  private static String b64(String s) {
    return Base64.getEncoder()
        .encodeToString(s.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
  }
}
