package dev.kubemigrate.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The package rules, read from the sources (imports and fully qualified names): no package of the
 * engine imports one that imports it back; the command line and the operator use only the engine's
 * API; the API's values depend on nothing else of ours.
 */
class PackageRulesTest {

  /** What the cli and the operator may use of the engine module. */
  private static final Set<String> API = Set.of("api", "engine", "migration", "file", "doctor");

  private static final Pattern PACKAGE = Pattern.compile("^package dev\\.kubemigrate\\.(\\w+);");
  private static final Pattern USE = Pattern.compile("dev\\.kubemigrate\\.(\\w+)\\.[A-Z]");

  @Test
  @DisplayName("No package of the engine imports a package that imports it back")
  void engineHasNoPackageCycle() {
    Map<String, Set<String>> graph = dependencies(root().resolve("engine/src/main/java"));
    List<String> cycles = new ArrayList<>();
    for (String from : graph.keySet()) {
      for (String to : graph.get(from)) {
        if (reaches(graph, to, from)) {
          cycles.add(from + " -> " + to + " -> ... -> " + from);
        }
      }
    }
    assertThat(cycles).as("package cycles in %s", graph).isEmpty();
  }

  @Test
  @DisplayName("The command line and the operator use only the engine's API packages")
  void modesUseOnlyTheApi() {
    for (String module : List.of("cli", "operator")) {
      Map<String, Set<String>> graph = dependencies(root().resolve(module + "/src/main/java"));
      Set<String> used = new TreeSet<>();
      graph.values().forEach(used::addAll);
      used.removeAll(Set.of("cli", "operator"));
      assertThat(used).as("engine packages that %s uses", module).isSubsetOf(API);
    }
  }

  @Test
  @DisplayName("The API's values depend on no other package of ours but the pure name rules")
  void apiStandsAlone() {
    Map<String, Set<String>> graph = dependencies(root().resolve("engine/src/main/java"));
    assertThat(graph.getOrDefault("api", Set.of())).isSubsetOf(Set.of("names"));
    assertThat(graph.getOrDefault("names", Set.of())).isEmpty();
  }

  private static boolean reaches(Map<String, Set<String>> graph, String from, String to) {
    Deque<String> todo = new ArrayDeque<>(List.of(from));
    Set<String> seen = new HashSet<>();
    while (!todo.isEmpty()) {
      String p = todo.pop();
      if (p.equals(to)) {
        return true;
      }
      if (seen.add(p)) {
        todo.addAll(graph.getOrDefault(p, Set.of()));
      }
    }
    return false;
  }

  /** package → the other packages of ours that its classes name. */
  static Map<String, Set<String>> dependencies(Path sources) {
    Map<String, Set<String>> graph = new TreeMap<>();
    try (Stream<Path> files = Files.walk(sources)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
        String text = withoutComments(Files.readString(f));
        Matcher pkg = PACKAGE.matcher(text.strip());
        if (!pkg.find()) {
          continue;
        }
        String from = pkg.group(1);
        Set<String> to = graph.computeIfAbsent(from, k -> new TreeSet<>());
        Matcher use = USE.matcher(text);
        while (use.find()) {
          if (!use.group(1).equals(from)) {
            to.add(use.group(1));
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return graph;
  }

  private static String withoutComments(String java) {
    return java.replaceAll("(?s)/\\*.*?\\*/", " ").replaceAll("//[^\n]*", " ");
  }

  /** The repository's root: the directory above whose pom lists the engine module. */
  private static Path root() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null) {
      Path pom = dir.resolve("pom.xml");
      try {
        if (Files.exists(pom) && Files.readString(pom).contains("<module>engine</module>")) {
          return dir;
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      dir = dir.getParent();
    }
    throw new IllegalStateException("no repository root above " + Path.of("").toAbsolutePath());
  }
}
