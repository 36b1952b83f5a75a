package dev.kubemigrate.kube;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.kubemigrate.api.KubemigrateException;
import dev.kubemigrate.api.Reason;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.internal.KubeConfigUtils;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Finds the kubeconfig as kubectl does, and checks it before the client reads it, so that a broken
 * one is named with its file and its problem at once (exit 2), instead of a parser's fragment, or a
 * silent fall-back to in-cluster addresses that fails seconds later.
 *
 * <p>Order: {@code --kubeconfig}; else {@code $KUBECONFIG} (a list of files, as kubectl merges it;
 * files that do not exist are skipped, but not all of them); else {@code ~/.kube/config} if it
 * exists; else the pod's service account. The files are read only to be checked: the client reads
 * them again, the way it always has.
 */
public final class Kubeconfigs {

  /** Far beyond any real kubeconfig; keeps a wrong path (a database dump) from being parsed. */
  static final long MAX_BYTES = 4L << 20;

  private static final YAMLMapper YAML = new YAMLMapper();

  private Kubeconfigs() {}

  /**
   * Where the configuration comes from: the files, or none (in-cluster); the selected user's exec
   * plugin, described, and the file its token is read from, when it has them.
   */
  public record Source(List<Path> files, String origin, String execPlugin, Path tokenFile) {
    Source(List<Path> files, String origin) {
      this(files, origin, null, null);
    }

    public boolean inCluster() {
      return files.isEmpty();
    }
  }

  /**
   * The kubeconfig files to use, checked, and the context they select.
   *
   * @param flag {@code --kubeconfig}, or null
   * @param env {@code $KUBECONFIG}, or null
   * @param home the user's home directory
   * @param context {@code --context}, or null
   * @param inPod whether a service account is mounted (the in-cluster fall-back exists)
   */
  public static Source resolve(String flag, String env, Path home, String context, boolean inPod) {
    Source source;
    if (flag != null) {
      Path file = Path.of(flag);
      readable(file, "--kubeconfig " + flag);
      source = new Source(List.of(file), "--kubeconfig " + flag);
    } else if (env != null && !env.isBlank()) {
      List<Path> existing = new ArrayList<>();
      for (String part : env.split(File.pathSeparator)) {
        if (!part.isBlank() && Files.exists(Path.of(part))) {
          existing.add(Path.of(part));
        }
      }
      if (existing.isEmpty()) {
        throw invalid("$KUBECONFIG=%s: no such file", env);
      }
      existing.forEach(file -> readable(file, "$KUBECONFIG file " + file));
      source = new Source(List.copyOf(existing), "$KUBECONFIG=" + env);
    } else {
      Path file = home.resolve(".kube").resolve("config");
      if (!Files.exists(file)) {
        if (!inPod) {
          throw invalid(
              "no kubeconfig: no --kubeconfig, no $KUBECONFIG, no %s, and no pod service account"
                  + " (kubemigrate finds its cluster as kubectl does)",
              file);
        }
        if (context != null) {
          throw invalid(
              "--context %s: there is no kubeconfig to take it from (in a pod, the service"
                  + " account is used)",
              context);
        }
        return new Source(List.of(), "the pod's service account");
      }
      readable(file, file.toString());
      source = new Source(List.of(file), file.toString());
    }
    return checkContexts(source, context);
  }

  private static void readable(Path file, String what) {
    if (!Files.exists(file)) {
      throw invalid("%s: no such file", what);
    }
    if (Files.isDirectory(file)) {
      throw invalid("%s: is a directory, not a kubeconfig file", what);
    }
    if (!Files.isReadable(file)) {
      throw invalid("%s: cannot be read (permission denied)", what);
    }
  }

  // The merged view, as kubectl builds it: the first file to set a name wins. Returns the source
  // with the selected user's exec plugin and token file.
  private static Source checkContexts(Source source, String flagContext) {
    Map<String, JsonNode> contexts = new LinkedHashMap<>();
    Map<String, JsonNode> clusters = new LinkedHashMap<>();
    Map<String, JsonNode> users = new LinkedHashMap<>();
    // The file each cluster and user came from: their relative paths are read from its directory.
    Map<JsonNode, Path> definedIn = new java.util.IdentityHashMap<>();
    String current = null;
    for (Path file : source.files()) {
      JsonNode root = parse(file);
      named(root, "contexts").forEach(contexts::putIfAbsent);
      Map<String, JsonNode> fileClusters = named(root, "clusters");
      Map<String, JsonNode> fileUsers = named(root, "users");
      fileClusters.forEach(clusters::putIfAbsent);
      fileUsers.forEach(users::putIfAbsent);
      fileClusters.values().forEach(c -> definedIn.put(c, file));
      fileUsers.values().forEach(u -> definedIn.put(u, file));
      String fileCurrent = root.path("current-context").asText("");
      if (current == null && !fileCurrent.isBlank()) {
        current = fileCurrent;
      }
    }
    String where = source.origin();
    if (contexts.isEmpty()) {
      throw invalid(
          "%s defines no contexts: add one (kubectl config set-context), or use another file",
          where);
    }
    String wanted = flagContext != null ? flagContext : current;
    String from = flagContext != null ? "--context" : "current-context";
    if (wanted == null) {
      throw invalid(
          "%s sets no current-context: pass --context, one of: %s",
          where, String.join(", ", contexts.keySet()));
    }
    JsonNode context = contexts.get(wanted);
    if (context == null) {
      throw invalid(
          "%s '%s' is not a context of %s: use one of: %s",
          from, wanted, where, String.join(", ", contexts.keySet()));
    }
    String clusterName = context.path("context").path("cluster").asText("");
    JsonNode cluster = clusters.get(clusterName);
    if (cluster == null) {
      throw invalid(
          "context '%s' of %s names cluster '%s', which it does not define",
          wanted, where, clusterName);
    }
    if (cluster.path("cluster").path("server").asText("").isBlank()) {
      throw invalid("cluster '%s' of %s has no server address", clusterName, where);
    }
    KubeconfigCredentials.checkCluster(
        cluster.path("cluster"), clusterName, definedIn.get(cluster), Kubeconfigs::invalid);
    String userName = context.path("context").path("user").asText("");
    JsonNode user = users.get(userName);
    if (user == null) {
      return source;
    }
    Path file = definedIn.get(user);
    KubeconfigCredentials.checkUser(user.path("user"), userName, file, Kubeconfigs::invalid);
    String command = user.path("user").path("exec").path("command").asText("");
    String exec =
        command.isBlank()
            ? null
            : String.format(
                "kubeconfig %s: user '%s': the exec plugin %s", file, userName, command);
    return new Source(
        source.files(),
        source.origin(),
        exec,
        KubeconfigCredentials.tokenFile(user.path("user"), file));
  }

  private static JsonNode parse(Path file) {
    String text = text(file);
    JsonNode root;
    try {
      root = text.isBlank() ? null : YAML.readTree(text);
    } catch (JsonProcessingException e) {
      String line =
          e.getLocation() == null || e.getLocation().getLineNr() < 1
              ? ""
              : ", line " + e.getLocation().getLineNr();
      throw invalid(
          "kubeconfig %s: malformed YAML%s: %s", file, line, firstLine(e.getOriginalMessage()));
    }
    if (root == null || root.isNull() || root.isMissingNode()) {
      throw invalid("kubeconfig %s is empty", file);
    }
    if (!root.isObject()) {
      throw invalid("kubeconfig %s: expected a mapping (apiVersion, clusters, contexts…)", file);
    }
    return root;
  }

  private static String text(Path file) {
    try {
      if (Files.size(file) > MAX_BYTES) {
        throw invalid(
            "kubeconfig %s is %d MB: not a kubeconfig (at most %d MB)",
            file, Files.size(file) >> 20, MAX_BYTES >> 20);
      }
      byte[] bytes = Files.readAllBytes(file);
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      throw invalid("kubeconfig %s is not text (not UTF-8): not a kubeconfig", file);
    } catch (IOException e) {
      throw invalid("kubeconfig %s cannot be read: %s", file, e.getMessage());
    }
  }

  private static Map<String, JsonNode> named(JsonNode root, String field) {
    Map<String, JsonNode> byName = new LinkedHashMap<>();
    JsonNode list = root.path(field);
    if (list.isArray()) {
      for (JsonNode item : list) {
        Optional.ofNullable(item.get("name"))
            .map(JsonNode::asText)
            .filter(name -> !name.isBlank())
            .ifPresent(name -> byName.putIfAbsent(name, item));
      }
    }
    return byName;
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "unreadable";
    }
    int newline = message.indexOf('\n');
    return (newline < 0 ? message : message.substring(0, newline)).strip();
  }

  /** fabric8's reader of kubeconfigs, without its registry of every model type (see below). */
  private static final KubernetesSerialization KUBECONFIG_READER =
      new KubernetesSerialization(new ObjectMapper(), false);

  /**
   * The client's configuration from one kubeconfig file and a context (null: the current one),
   * exactly as fabric8's {@code Config.fromKubeconfig(context, file)} makes it: the same YAML
   * reader, the same merge (contexts, exec plugins, auth providers, paths relative to the file).
   * Only the reading differs: fabric8's shared serializer registers every model type it ships
   * before it reads a first object (about 800 classes, 0.1 s of a cold start), and a kubeconfig
   * needs none.
   */
  public static Config clientConfig(Path file, String context) {
    io.fabric8.kubernetes.api.model.Config kubeconfig;
    try (InputStream in = Files.newInputStream(file)) {
      kubeconfig = KUBECONFIG_READER.unmarshal(in, io.fabric8.kubernetes.api.model.Config.class);
    } catch (IOException | RuntimeException e) {
      // fabric8 reads it again and says what is wrong with it, as before.
      return Config.fromKubeconfig(context, file.toFile());
    }
    // As fabric8 marks what it reads from a file: relative paths resolve against the file.
    File from = file.toFile();
    Optional.ofNullable(kubeconfig.getContexts())
        .ifPresent(l -> l.forEach(c -> c.getAdditionalProperties().put(CONTEXT_FILE_KEY, from)));
    Optional.ofNullable(kubeconfig.getClusters())
        .ifPresent(l -> l.forEach(c -> c.getAdditionalProperties().put(CLUSTER_FILE_KEY, from)));
    Optional.ofNullable(kubeconfig.getUsers())
        .ifPresent(l -> l.forEach(u -> u.getAdditionalProperties().put(USER_FILE_KEY, from)));
    Config config = Config.empty();
    KubeConfigUtils.merge(config, context, kubeconfig);
    return config;
  }

  // fabric8's KubeConfigUtils keys (private there) for the file each entry came from.
  static final String CONTEXT_FILE_KEY = "KUBERNETES_CONFIG_CONTEXT_FILE_KEY";
  static final String CLUSTER_FILE_KEY = "KUBERNETES_CONFIG_CLUSTER_FILE_KEY";
  static final String USER_FILE_KEY = "KUBERNETES_CONFIG_AUTH_INFO_FILE_KEY";

  private static KubemigrateException invalid(String format, Object... args) {
    return invalid(String.format(format, args));
  }

  private static KubemigrateException invalid(String message) {
    return new KubemigrateException(Reason.INVALID_KUBECONFIG, message, null);
  }
}
