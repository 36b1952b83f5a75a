package dev.kubemigrate.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Keeps the README's `### Reasons` table true to {@link Reason}, and the README's exit-code table
 * true to {@link ExitCode}. When a reason is added, changed or removed, the failure shows the exact
 * rows to paste into the README.
 */
class ReasonTableTest {

  private static final String REASONS_HEADING = "### Reasons";
  private static final String EXIT_CODES_HEADING = "## Exit codes";
  private static final int MAX_HINT_LENGTH = 200;

  /** One row of the README's reason table. */
  record Row(String label, int exit, String hint) {

    static Row of(Reason reason) {
      return new Row(reason.label(), reason.exitCode().code(), reason.hint());
    }

    /** The row as Markdown, exactly as it belongs in the README. */
    String markdown() {
      return "| `" + label + "` | " + exit + " | " + escape(hint) + " |";
    }
  }

  // ---- the README's reason table --------------------------------------------------------------

  @Test
  @DisplayName("the README's reason table has exactly one row per Reason: label, exit code, hint")
  void readmeReasonTableMatchesTheEnum() throws IOException {
    // Given
    Path readme = readme();
    List<String> lines = Files.readAllLines(readme, StandardCharsets.UTF_8);
    List<Row> expected = Arrays.stream(Reason.values()).map(Row::of).toList();

    // When
    Optional<List<Row>> parsed = tableRows(lines, REASONS_HEADING);

    // Then
    if (parsed.isEmpty()) {
      fail(
          "%s has no '%s' section with a table. Add it under the exit-code table:%n%n%s%n",
          readme, REASONS_HEADING, fullTable(expected));
    }
    List<Row> actual = parsed.get();

    Set<Row> missing = new LinkedHashSet<>(expected);
    missing.removeAll(actual);
    Set<Row> extra = new LinkedHashSet<>(actual);
    extra.removeAll(expected);
    if (!missing.isEmpty() || !extra.isEmpty()) {
      StringBuilder message =
          new StringBuilder()
              .append(readme)
              .append(": the '")
              .append(REASONS_HEADING)
              .append("' table is out of date with Reason.java.\n");
      if (!missing.isEmpty()) {
        message.append("\nAdd (or correct) these rows, in Reason's declaration order:\n\n");
        missing.forEach(r -> message.append(r.markdown()).append('\n'));
      }
      if (!extra.isEmpty()) {
        message.append("\nRemove (or correct) these rows, which no Reason constant says:\n\n");
        extra.forEach(r -> message.append(r.markdown()).append('\n'));
      }
      message.append("\nThe whole table, as Reason.java says it:\n\n").append(fullTable(expected));
      fail(message.toString());
    }
    assertThat(actual)
        .as(
            "the rows of '%s' in Reason's declaration order, once each; the whole table:%n%n%s",
            REASONS_HEADING, fullTable(expected))
        .containsExactlyElementsOf(expected);
  }

  @Test
  @DisplayName("the README's exit-code table lists every ExitCode")
  void readmeExitCodeTableListsEveryExitCode() throws IOException {
    // Given
    List<String> lines = Files.readAllLines(readme(), StandardCharsets.UTF_8);

    // When
    Optional<List<List<String>>> table = table(lines, EXIT_CODES_HEADING);

    // Then
    Assumptions.assumeTrue(table.isPresent(), "the README has no exit-code table");
    Set<Integer> documented =
        table.get().stream()
            .map(cells -> Integer.parseInt(cells.get(0).trim()))
            .collect(Collectors.toCollection(TreeSet::new));
    String rowsToAdd =
        Arrays.stream(ExitCode.values())
            .filter(code -> !documented.contains(code.code()))
            .map(code -> "| " + code.code() + " | " + escape(code.description()) + " |")
            .collect(Collectors.joining("\n"));
    assertThat(documented)
        .as(
            "the codes in the README's '%s' table; missing rows:%n%s",
            EXIT_CODES_HEADING, rowsToAdd)
        .containsExactlyElementsOf(
            Arrays.stream(ExitCode.values())
                .map(ExitCode::code)
                .collect(Collectors.toCollection(TreeSet::new)));
  }

  // ---- the enum itself ------------------------------------------------------------------------

  @Test
  @DisplayName("labels are unique")
  void labelsAreUnique() {
    List<String> labels = Arrays.stream(Reason.values()).map(Reason::label).toList();
    assertThat(labels).doesNotHaveDuplicates();
  }

  @ParameterizedTest(name = "{0}: Reason.of(label) gives it back")
  @EnumSource(Reason.class)
  @DisplayName("label round trip:")
  void labelRoundTrips(Reason reason) {
    assertThat(Reason.of(reason.label())).isSameAs(reason);
    assertThat(Reason.known(reason.label())).contains(reason);
  }

  @Test
  @DisplayName("a label this version does not know is a Job failure")
  void unknownLabelIsJobFailed() {
    assertThat(Reason.of("SomethingUnknown")).isSameAs(Reason.JOB_FAILED);
    assertThat(Reason.of(null)).isSameAs(Reason.JOB_FAILED);
    assertThat(Reason.known("SomethingUnknown")).isEmpty();
  }

  @ParameterizedTest(name = "{0}: the hint is one non-empty line of at most 200 characters")
  @EnumSource(Reason.class)
  @DisplayName("hint:")
  void hintIsOneShortLine(Reason reason) {
    assertThat(reason.hint()).as("%s's hint", reason.name()).isNotBlank();
    assertThat(reason.hint()).as("%s's hint", reason.name()).doesNotContain("\n", "\r");
    assertThat(reason.hint().length())
        .as("%s's hint length", reason.name())
        .isLessThanOrEqualTo(MAX_HINT_LENGTH);
  }

  // ---- reading the README ---------------------------------------------------------------------

  /**
   * The project's README: found by walking up from the working directory (the engine module's
   * directory under Maven) to the directory whose pom.xml lists the engine module.
   */
  static Path readme() throws IOException {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path readme = dir.resolve("README.md");
      Path pom = dir.resolve("pom.xml");
      if (Files.isRegularFile(readme)
          && Files.isRegularFile(pom)
          && Files.readString(pom, StandardCharsets.UTF_8).contains("<module>engine</module>")) {
        return readme;
      }
    }
    return fail(
        "no README.md next to a pom.xml with <module>engine</module> above %s",
        Path.of("").toAbsolutePath());
  }

  /** The rows of the reason table under {@code heading}, if there is one. */
  static Optional<List<Row>> tableRows(List<String> lines, String heading) {
    return table(lines, heading)
        .map(
            rows ->
                rows.stream()
                    .map(
                        cells -> {
                          assertThat(cells)
                              .as("a row of '%s' has three cells: %s", heading, cells)
                              .hasSize(3);
                          return new Row(
                              unquote(cells.get(0).trim()),
                              Integer.parseInt(cells.get(1).trim()),
                              cells.get(2).trim());
                        })
                    .toList());
  }

  /**
   * The body rows (cells unescaped) of the first table in the section under the line that is
   * exactly {@code heading}, up to the next heading of any level; empty when there is none.
   */
  static Optional<List<List<String>>> table(List<String> lines, String heading) {
    int start = -1;
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).strip().equals(heading)) {
        start = i + 1;
        break;
      }
    }
    if (start < 0) {
      return Optional.empty();
    }
    List<List<String>> rows = new ArrayList<>();
    boolean inTable = false;
    for (int i = start; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.startsWith("#")) {
        break;
      }
      if (!line.startsWith("|")) {
        if (inTable) {
          break;
        }
        continue;
      }
      if (!inTable) {
        inTable = true; // the header row
        continue;
      }
      if (line.matches("\\|[\\s:|-]+\\|")) {
        continue; // the separator row
      }
      rows.add(cells(line));
    }
    return inTable ? Optional.of(rows) : Optional.empty();
  }

  /** The cells of a Markdown table row, split on unescaped pipes, with {@code \|} unescaped. */
  static List<String> cells(String line) {
    String inner = line.substring(1, line.endsWith("|") ? line.length() - 1 : line.length());
    List<String> cells = new ArrayList<>();
    StringBuilder cell = new StringBuilder();
    for (int i = 0; i < inner.length(); i++) {
      char c = inner.charAt(i);
      if (c == '\\' && i + 1 < inner.length() && inner.charAt(i + 1) == '|') {
        cell.append('|');
        i++;
      } else if (c == '|') {
        cells.add(cell.toString());
        cell.setLength(0);
      } else {
        cell.append(c);
      }
    }
    cells.add(cell.toString());
    return cells;
  }

  private static String unquote(String cell) {
    return cell.length() >= 2 && cell.startsWith("`") && cell.endsWith("`")
        ? cell.substring(1, cell.length() - 1)
        : cell;
  }

  private static String escape(String text) {
    return text.replace("|", "\\|");
  }

  private static String fullTable(List<Row> rows) {
    return "| reason | exit | what to do next |\n|---|---|---|\n"
        + rows.stream().map(Row::markdown).collect(Collectors.joining("\n"))
        + "\n";
  }
}
