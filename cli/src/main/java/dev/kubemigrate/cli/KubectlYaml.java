package dev.kubemigrate.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.util.StringQuotingChecker;
import java.util.regex.Pattern;

/**
 * YAML as {@code kubectl get -o yaml} prints it: no document marker, plain strings unquoted,
 * sequences under their key, multi-line strings as blocks; and quotes exactly around the strings
 * that a YAML 1.1 or 1.2 reader (kubectl's, Helm's, SnakeYAML) would take for something else — a
 * number ({@code "1"}, {@code "0755"}, {@code "1e3"}, {@code "1:20"}), a boolean ({@code "yes"},
 * {@code "on"}), null, a date — so that a label or an env value stays a string.
 */
final class KubectlYaml {

  /** Plain scalars that YAML 1.1 or 1.2 resolves to something other than a string. */
  private static final Pattern NOT_A_STRING =
      Pattern.compile(
          "(?i)(?:y|yes|n|no|true|false|on|off|null|~"
              // integers: decimal, octal (0755, 0o755), hex, binary, with YAML 1.1's underscores
              + "|[-+]?[0-9][0-9_]*|0o[0-7]+|[-+]?0x[0-9a-f_]+|[-+]?0b[01_]+"
              // floats, exponents, infinities
              + "|[-+]?(?:[0-9][0-9_]*)?\\.[0-9_]*(?:e[-+]?[0-9]+)?"
              + "|[-+]?[0-9][0-9_]*(?:\\.[0-9_]*)?e[-+]?[0-9]+"
              + "|[-+]?\\.inf|\\.nan"
              // YAML 1.1's base 60 (1:20, 1:20:30.5)
              + "|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\\.[0-9_]*)?"
              // timestamps
              + "|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt ].*)?)");

  /** Jackson's own rules (": ", "#", a leading "-", …) plus {@link #NOT_A_STRING}. */
  private static final class Quoting extends StringQuotingChecker.Default {
    private static final long serialVersionUID = 1L;

    @Override
    public boolean needToQuoteValue(String value) {
      return value.isEmpty()
          || super.needToQuoteValue(value)
          || NOT_A_STRING.matcher(value).matches();
    }
  }

  private static final ObjectMapper YAML =
      new ObjectMapper(
          YAMLFactory.builder()
              .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
              .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
              .stringQuotingChecker(new Quoting())
              .build());

  private KubectlYaml() {}

  /** {@code value} (maps, lists, scalars, Jackson trees) as kubectl would print it. */
  static String write(Object value) {
    try {
      return YAML.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
