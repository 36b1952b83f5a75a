package dev.kubemigrate.tool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubemigrate.api.Tool;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Where the schema stood before and after, read from the tools' own output (see ToolWatchTest). */
class SchemaProgressTest {

  @Test
  @DisplayName("Flyway: from its current version to the version it is now at; 'empty' at first")
  void flyway() throws IOException {
    assertThat(schema("flyway-11.8.2-success.txt"))
        .contains(new SchemaProgress.Schema("empty", "2"));
    assertThat(schema("flyway-11.8.2-up-to-date.txt"))
        .contains(new SchemaProgress.Schema("2", "2"));
    // A run that failed half way knows where it started, not where it ended
    assertThat(schema("flyway-11.8.2-mariadb-half-applied.txt"))
        .contains(new SchemaProgress.Schema("empty", null));
  }

  @Test
  @DisplayName("Liquibase: the changesets run before, and those after this run")
  void liquibase() throws IOException {
    assertThat(schema("liquibase-4.33.0-success.txt"))
        .contains(new SchemaProgress.Schema("0 changesets", "1 changeset"));
  }

  @Test
  @DisplayName("golang-migrate: the last version it migrated up to")
  void golangMigrate() {
    // The lines its source prints for each migration (Migration.StringLong, then the time)
    ToolWatch watch = ToolWatch.of(Tool.Setting.AUTO, "migrate/migrate:v4.18.1", List.of());
    watch.accept("1/u create_users_table (43.717ms)");
    watch.accept("2/u add_orders (12.3ms)");
    assertThat(watch.schema()).contains(new SchemaProgress.Schema(null, "2"));
  }

  @Test
  @DisplayName("No tool words, or --tool none: nothing is known")
  void nothingKnown() throws IOException {
    ToolWatch watch = ToolWatch.of(Tool.Setting.AUTO, "busybox:1.36", List.of("sh"));
    watch.accept("applying V7");
    assertThat(watch.schema()).isEmpty();
    ToolWatch off = ToolWatch.of(Tool.Setting.OFF, "flyway/flyway:11", List.of());
    lines("flyway-11.8.2-success.txt").forEach(off::accept);
    assertThat(off.schema()).isEmpty();
  }

  private static Optional<SchemaProgress.Schema> schema(String file) throws IOException {
    ToolWatch watch = ToolWatch.detecting();
    lines(file).forEach(watch::accept);
    return watch.schema();
  }

  private static List<String> lines(String file) throws IOException {
    try (InputStream in = SchemaProgressTest.class.getResourceAsStream("/tool-output/" + file)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
    }
  }
}
