package dev.kubemigrate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.yaml.snakeyaml.Yaml;

/**
 * YAML as kubectl prints it: read back by SnakeYAML, a YAML 1.1 reader like kubectl's own, every
 * string stays the same string; plain strings carry no quotes.
 */
class KubectlYamlTest {

  @ParameterizedTest
  @ValueSource(
      strings = {
        "1",
        "0",
        "-7",
        "+3",
        "1_000",
        "0755",
        "0o755",
        "0x1F",
        "0b101",
        "1.4",
        ".5",
        "1e3",
        "1E-3",
        "-1.5e+10",
        ".inf",
        "-.Inf",
        ".NaN",
        "1:20",
        "1:20:30.5",
        "yes",
        "No",
        "Y",
        "n",
        "true",
        "False",
        "on",
        "OFF",
        "null",
        "Null",
        "~",
        "2026-12-04",
        "2026-12-04T10:00:00Z",
        "",
        " leading space",
        "trailing space ",
        "a: b",
        "#comment",
        "- dash",
        "@at",
        "`tick",
        "{brace}",
        "[bracket]",
        "*star",
        "&amp",
        "!bang",
        "%pct",
        "'quote",
        "\"dq",
        "a #b",
        "line 1\nline 2",
        "tab\there"
      })
  @DisplayName("A value that a YAML reader would take for something else stays a string")
  void stringsStayStrings(String value) {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("value", value);
    doc.put("list", List.of(value));
    String yaml = KubectlYaml.write(doc);
    Map<String, Object> back = new Yaml().load(yaml);
    assertThat(back.get("value")).as(yaml).isEqualTo(value);
    assertThat(back.get("list")).as(yaml).isEqualTo(List.of(value));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "batch/v1",
        "shop-pre-1-4-0-f95f85303d",
        "1.4.0",
        "registry.example/shop:1.4.0",
        "-c",
        "sh",
        "kubemigrate",
        "secret/db",
        "v3",
        "1.2.3-rc.1",
        "app.kubernetes.io/name"
      })
  @DisplayName("A plain string is printed bare, as kubectl prints it")
  void plainStringsAreBare(String value) {
    assertThat(KubectlYaml.write(Map.of("value", value))).isEqualTo("value: " + value + "\n");
  }

  @Test
  @DisplayName("Numbers and booleans stay themselves; no document marker; lists under their key")
  void kubectlShape() {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("backoffLimit", 0);
    doc.put("suspend", false);
    doc.put("command", List.of("sh", "-c", "echo hi"));
    assertThat(KubectlYaml.write(doc))
        .isEqualTo("backoffLimit: 0\nsuspend: false\ncommand:\n- sh\n- -c\n- echo hi\n");
  }
}
