package dev.kubemigrate.file;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.kubemigrate.api.ExitCode;
import dev.kubemigrate.api.KubemigrateException;
import dev.kubemigrate.api.MigrationSpec;
import dev.kubemigrate.api.PreflightMode;
import dev.kubemigrate.migration.Migration;
import dev.kubemigrate.migration.MigrationResourceSpec;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * A migration file ({@code kubemigrate run -f migration.yaml}), in the shape of the future {@code
 * Migration} resource:
 *
 * <pre>
 * apiVersion: kubemigrate.dev/v1alpha1
 * kind: Migration
 * metadata: {name: shop, namespace: shop}
 * spec:
 *   app: shop
 *   image: registry.example/shop-migrations:1.4.0
 *   args: [migrate]
 *   env: [{name: FLYWAY_URL, value: "jdbc:postgresql://db/shop"}]
 *   timeout: 10m
 * </pre>
 *
 * <p>{@code env}, {@code envFrom}, {@code resources}, {@code tolerations} and {@code podTemplate}
 * take the standard Kubernetes shapes; {@code imagePullSecrets} takes names or {@code {name: ...}}
 * objects; durations are strings such as {@code "10m"}. An unknown field of the document or its
 * {@code spec} is an error, so a typo does not silently lose a setting.
 *
 * @param name {@code metadata.name}, or {@code null}
 * @param namespace {@code metadata.namespace}, or {@code null}
 * @param spec the spec with defaults applied, not yet {@linkplain MigrationSpec#validate()
 *     validated}: command-line flags may still be merged over it
 * @param attempt the attempt wanted ({@code spec.attempt}, default 1): a failed version runs again
 *     when this is above the attempt that failed
 */
public record MigrationFile(
    String name, String namespace, MigrationSpec spec, int attempt, PreflightMode preflight) {

  public static final String API_VERSION = Migration.API_VERSION;
  public static final String KIND = Migration.KIND;

  private static final ObjectMapper YAML =
      YAMLMapper.builder()
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .build();

  /**
   * Reads a migration file.
   *
   * @throws KubemigrateException a usage error naming the file, the line where known, and the
   *     problem, in one line
   */
  public static MigrationFile read(Path file) {
    return parse(readText(file), file.toString());
  }

  /**
   * Parses the text of a migration file.
   *
   * @param source what to call the text in errors, usually the file name
   */
  public static MigrationFile parse(String yaml, String source) {
    JsonNode tree = singleDocument(yaml, source);
    String apiVersion = tree.path("apiVersion").asText("");
    String kind = tree.path("kind").asText("");
    if (!KIND.equals(kind)) {
      throw KubemigrateException.usage(
          "%s: not a migration file: expected kind: %s (apiVersion: %s), found kind: '%s'",
          source, KIND, API_VERSION, kind);
    }
    if (!API_VERSION.equals(apiVersion)) {
      throw KubemigrateException.usage(
          "%s: unsupported apiVersion '%s' for kind %s: use %s",
          source, apiVersion, KIND, API_VERSION);
    }
    Document document = bind(yaml, source, Document.class);
    if (document.spec() == null) {
      throw KubemigrateException.usage("%s: spec is missing", source);
    }
    MigrationResourceSpec spec = document.spec();
    Map<String, Object> kubernetesShaped = new LinkedHashMap<>();
    kubernetesShaped.put("env", spec.env());
    kubernetesShaped.put("envFrom", spec.envFrom());
    kubernetesShaped.put("resources", spec.resources());
    kubernetesShaped.put("tolerations", spec.tolerations());
    kubernetesShaped.put("podTemplate", spec.podTemplate());
    Map<String, Object> checked = new LinkedHashMap<>();
    checked.put("metadata", document.metadata());
    checked.put("spec", kubernetesShaped);
    refuseUnknownFields(yaml, source, List.of(), checked);
    ObjectMeta metadata = document.metadata();
    return new MigrationFile(
        metadata == null ? null : metadata.getName(),
        metadata == null ? null : metadata.getNamespace(),
        inSource(source, () -> document.spec().toMigrationSpec()),
        inSource(source, spec::wantedAttempt),
        inSource(source, spec::preflightMode));
  }

  /**
   * Reads a pod template file ({@code --pod-template}): a bare pod template ({@code metadata} and
   * {@code spec}), a {@code PodTemplate}, a {@code Pod} (only its labels, annotations and spec are
   * kept), or any workload with a {@code spec.template}, such as a Job or Deployment.
   *
   * @throws KubemigrateException a usage error naming the file and the problem, in one line
   */
  public static PodTemplateSpec readPodTemplate(Path file) {
    return parsePodTemplate(readText(file), file.toString());
  }

  /** Parses the text of a pod template file; see {@link #readPodTemplate}. */
  public static PodTemplateSpec parsePodTemplate(String yaml, String source) {
    JsonNode tree = singleDocument(yaml, source);
    String kind = tree.path("kind").asText("");
    List<Object> prefix;
    if (kind.isEmpty() || kind.equals("Pod")) {
      prefix = List.of();
    } else if (kind.equals("PodTemplate")) {
      prefix = List.of("template");
    } else {
      prefix = List.of("spec", "template");
    }
    JsonNode template = tree;
    for (Object field : prefix) {
      template = template.path((String) field);
    }
    if (!template.isObject()) {
      throw KubemigrateException.usage(
          "%s: no pod template found in a %s: use a pod template, PodTemplate, Pod or workload"
              + " with spec.template",
          source, kind);
    }
    PodTemplateSpec result;
    try {
      PodSpec spec = YAML.treeToValue(template.path("spec"), PodSpec.class);
      ObjectMeta metadata = YAML.treeToValue(template.path("metadata"), ObjectMeta.class);
      ObjectMeta kept = new ObjectMeta();
      if (metadata != null) {
        kept.setLabels(metadata.getLabels());
        kept.setAnnotations(metadata.getAnnotations());
      }
      result = new PodTemplateSpec(kept, spec);
    } catch (JsonProcessingException | IllegalArgumentException e) {
      throw invalid(yaml, source, e);
    }
    if (result.getSpec() == null) {
      throw KubemigrateException.usage("%s: the pod template has no spec", source);
    }
    refuseUnknownFields(yaml, source, prefix, Map.of("spec", result.getSpec()));
    return result;
  }

  /**
   * The largest file read: the API server stores no object over 1.5 MB, so a bigger Migration or
   * pod template is a wrong path (a dump, a log), refused at once instead of parsed for seconds.
   */
  static final long MAX_BYTES = 1L << 20;

  private static String readText(Path file) {
    try {
      if (Files.isDirectory(file)) {
        throw KubemigrateException.usage("cannot read %s: is a directory, not a YAML file", file);
      }
      if (Files.exists(file) && Files.size(file) > MAX_BYTES) {
        throw KubemigrateException.usage(
            "cannot read %s: %d KiB is more than a Migration or a pod template can be (at most"
                + " %d KiB, the API server's limit)",
            file, Files.size(file) >> 10, MAX_BYTES >> 10);
      }
      return Files.readString(file);
    } catch (NoSuchFileException e) {
      throw KubemigrateException.usage("cannot read %s: no such file", file);
    } catch (MalformedInputException e) {
      throw KubemigrateException.usage("cannot read %s: not UTF-8 text", file);
    } catch (IOException e) {
      throw new KubemigrateException(
          ExitCode.USAGE, "cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  private static JsonNode singleDocument(String yaml, String source) {
    List<JsonNode> documents = new ArrayList<>();
    try (JsonParser parser = YAML.createParser(yaml)) {
      // One tree per YAML document; not readValues(), which would unwrap a top-level list.
      while (parser.nextToken() != null) {
        JsonNode node = YAML.readTree(parser);
        if (node != null && !node.isNull() && !node.isMissingNode()) {
          documents.add(node);
        }
      }
    } catch (IOException | RuntimeException e) {
      throw invalid(yaml, source, e);
    }
    if (documents.isEmpty()) {
      throw KubemigrateException.usage("%s: the file is empty", source);
    }
    if (documents.size() > 1) {
      throw KubemigrateException.usage(
          "%s: has %d YAML documents; put exactly one in the file", source, documents.size());
    }
    if (!documents.get(0).isObject()) {
      throw KubemigrateException.usage("%s: expected a YAML mapping at the top", source);
    }
    return documents.get(0);
  }

  private static <T> T bind(String yaml, String source, Class<T> type) {
    try {
      return YAML.readValue(yaml, type);
    } catch (JsonProcessingException e) {
      throw invalid(yaml, source, e);
    }
  }

  private static <T> T inSource(String source, Supplier<T> step) {
    try {
      return step.get();
    } catch (KubemigrateException e) {
      throw new KubemigrateException(e.exitCode(), source + ": " + e.getMessage(), e);
    }
  }

  // One line: where (file and line), what (the field's path) and why.
  private static KubemigrateException invalid(String yaml, String source, Exception e) {
    Throwable cause = e;
    while (!(cause instanceof JsonProcessingException) && cause.getCause() != null) {
      cause = cause.getCause();
    }
    StringBuilder message = new StringBuilder(source);
    if (cause instanceof JsonProcessingException json) {
      int line = line(yaml, json);
      if (line > 0) {
        message.append(':').append(line);
      }
      message.append(": ").append(describe(json));
    } else {
      message.append(": ").append(firstLine(e.getMessage()));
    }
    return new KubemigrateException(ExitCode.USAGE, message.toString(), e);
  }

  // Jackson reports a binding error where its parser stopped, which for records can be the end of
  // the enclosing object; the line of the offending field itself is more use to the reader.
  private static int line(String yaml, JsonProcessingException e) {
    if (e instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()) {
      int line = lineOf(yaml, path(mapping));
      if (line > 0) {
        return line;
      }
    }
    JsonLocation location = e.getLocation();
    return location == null ? -1 : location.getLineNr();
  }

  private static void refuseUnknownFields(
      String yaml, String source, List<Object> prefix, Object parsed) {
    UnknownFields.find(parsed)
        .ifPresent(
            relative -> {
              List<Object> path = new ArrayList<>(prefix);
              path.addAll(relative);
              int line = lineOf(yaml, path);
              throw KubemigrateException.usage(
                  "%s%s: unknown field '%s'", source, line > 0 ? ":" + line : "", pathText(path));
            });
  }

  // The path holds field names (strings) and list indexes (integers).
  private static int lineOf(String yaml, List<Object> path) {
    int line = -1;
    try (JsonParser parser = YAML.createParser(yaml)) {
      parser.nextToken();
      for (Object element : path) {
        boolean field = element instanceof String;
        boolean found =
            field ? seekField(parser, (String) element) : seekIndex(parser, (Integer) element);
        if (!found) {
          return line;
        }
        line = parser.currentTokenLocation().getLineNr();
        if (field) {
          parser.nextToken();
        }
      }
    } catch (IOException | RuntimeException ignored) {
      // The line is a courtesy: without it, the message still names the field.
    }
    return line;
  }

  // Leaves the parser on the field's name.
  private static boolean seekField(JsonParser parser, String name) throws IOException {
    if (parser.currentToken() != JsonToken.START_OBJECT) {
      return false;
    }
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      if (name.equals(parser.currentName())) {
        return true;
      }
      parser.nextToken();
      parser.skipChildren();
    }
    return false;
  }

  // Leaves the parser on the item's first token.
  private static boolean seekIndex(JsonParser parser, int index) throws IOException {
    if (parser.currentToken() != JsonToken.START_ARRAY || index < 0) {
      return false;
    }
    for (int i = 0; ; i++) {
      JsonToken token = parser.nextToken();
      if (token == null || token == JsonToken.END_ARRAY) {
        return false;
      }
      if (i == index) {
        return true;
      }
      parser.skipChildren();
    }
  }

  private static String describe(JsonProcessingException e) {
    if (e instanceof UnrecognizedPropertyException unknown) {
      String path = pathText(path(unknown));
      return "unknown field '" + path + "'" + known(unknown.getKnownPropertyIds());
    }
    if (e instanceof InvalidFormatException format) {
      return pathText(path(format))
          + ": cannot read '"
          + format.getValue()
          + "' as "
          + typeName(format.getTargetType());
    }
    if (e instanceof MismatchedInputException mismatch && mismatch.getTargetType() != null) {
      return pathText(path(mismatch)) + ": expected " + typeName(mismatch.getTargetType());
    }
    if (e instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()) {
      return pathText(path(mapping)) + ": " + firstLine(mapping.getOriginalMessage());
    }
    return "invalid YAML: " + yamlProblem(e.getOriginalMessage());
  }

  private static List<Object> path(JsonMappingException e) {
    List<Object> path = new ArrayList<>();
    for (JsonMappingException.Reference reference : e.getPath()) {
      if (reference.getFieldName() != null) {
        path.add(reference.getFieldName());
      } else if (reference.getIndex() >= 0) {
        path.add(reference.getIndex());
      }
    }
    return path;
  }

  private static String pathText(List<Object> path) {
    StringBuilder text = new StringBuilder();
    for (Object element : path) {
      if (element instanceof Integer index) {
        text.append('[').append(index).append(']');
      } else {
        text.append(text.length() == 0 ? "" : ".").append(element);
      }
    }
    return text.toString();
  }

  private static String known(Collection<Object> ids) {
    if (ids == null || ids.isEmpty()) {
      return "";
    }
    Set<String> names = new TreeSet<>();
    ids.forEach(id -> names.add(String.valueOf(id)));
    return " (known: " + String.join(", ", names) + ")";
  }

  private static String typeName(Class<?> type) {
    if (type == null) {
      return "a value";
    }
    if (type == Integer.class || type == Long.class || type == int.class || type == long.class) {
      return "a whole number";
    }
    if (Number.class.isAssignableFrom(type)) {
      return "a number";
    }
    if (type == String.class) {
      return "a string";
    }
    if (type == Boolean.class || type == boolean.class) {
      return "true or false";
    }
    if (Collection.class.isAssignableFrom(type) || type.isArray()) {
      return "a list";
    }
    if (Map.class.isAssignableFrom(type)) {
      return "a mapping";
    }
    return "a mapping (" + type.getSimpleName() + ")";
  }

  // SnakeYAML says what it was doing, then what it found, then where (which we already print).
  private static String yamlProblem(String text) {
    if (text == null) {
      return "unreadable";
    }
    List<String> parts = new ArrayList<>();
    for (String line : text.split("\n")) {
      String trimmed = line.trim();
      if (trimmed.startsWith("in '") || trimmed.startsWith("at [Source")) {
        break;
      }
      if (!trimmed.isEmpty()) {
        parts.add(trimmed);
      }
    }
    return parts.isEmpty() ? firstLine(text) : String.join(": ", parts);
  }

  private static String firstLine(String text) {
    if (text == null) {
      return "unreadable";
    }
    int newline = text.indexOf('\n');
    return (newline < 0 ? text : text.substring(0, newline)).trim();
  }

  /** The whole file; fields Kubernetes adds (status) are accepted and ignored. */
  record Document(
      String apiVersion,
      String kind,
      ObjectMeta metadata,
      MigrationResourceSpec spec,
      JsonNode status) {}
}
