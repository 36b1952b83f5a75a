package dev.kubemigrate.tool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubemigrate.api.Reason;
import dev.kubemigrate.api.Tool;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The tools' own output, captured here and kept in src/test/resources/tool-output: Flyway 11.8.2
 * (the Flyway CLI that scripts/build-images downloads) against PostgreSQL 15 and MariaDB 10.11 from
 * Debian, and Liquibase 4.33.0 (liquibase-core from Maven Central, its CLI) against PostgreSQL 15,
 * each file one whole run as the tool printed it. golang-migrate is not packaged here: its line is
 * the one its source writes (migrate.go, ErrDirty: "Dirty database version %v. Fix and force
 * version.", which the CLI prints after "error: ").
 */
class ToolWatchTest {

  @Test
  @DisplayName(
      "Flyway on MariaDB: a migration that failed half way is found on the next run, with its"
          + " version, its description and flyway repair")
  void flywayFailedMigration() throws IOException {
    // A run that failed half way: its own error, no state of the tool's tables yet
    assertThat(read(Tool.Setting.AUTO, null, "flyway-11.8.2-mariadb-half-applied.txt")).isEmpty();
    // The next run
    ToolRules.Finding f =
        read(Tool.Setting.AUTO, null, "flyway-11.8.2-mariadb-failed-migration.txt").orElseThrow();
    assertThat(f.reason()).isEqualTo(Reason.TOOL_FAILED_MIGRATION);
    assertThat(f.tool()).isEqualTo(Tool.FLYWAY);
    assertThat(f.message())
        .contains("failed migration to version 2 (add orders)")
        .contains("flyway repair");
    assertThat(f.stop()).isFalse();
  }

  @Test
  @DisplayName("Flyway: a changed script (checksum mismatch) and a missing one fail validation")
  void flywayValidation() throws IOException {
    ToolRules.Finding changed =
        read(Tool.Setting.AUTO, null, "flyway-11.8.2-checksum-mismatch.txt").orElseThrow();
    assertThat(changed.reason()).isEqualTo(Reason.TOOL_VALIDATION_FAILED);
    assertThat(changed.message()).contains("Migration checksum mismatch for migration version 1");
    ToolRules.Finding missing =
        read(Tool.Setting.AUTO, null, "flyway-11.8.2-not-resolved-locally.txt").orElseThrow();
    assertThat(missing.reason()).isEqualTo(Reason.TOOL_VALIDATION_FAILED);
    assertThat(missing.message()).contains("Detected applied migration not resolved locally: 1");
  }

  @Test
  @DisplayName(
      "Liquibase waiting for its changelog lock: stale at the third wait (20 s), to be stopped;"
          + " two waits are not yet")
  void liquibaseStaleLock() throws IOException {
    List<String> lines = lines("liquibase-4.33.0-waiting-for-lock.txt");
    int third = nth(lines, "Waiting for changelog lock", 3);
    ToolWatch before = ToolWatch.of(Tool.Setting.AUTO, "liquibase/liquibase:4.33", List.of());
    lines.subList(0, third).forEach(before::accept);
    assertThat(before.finding()).isEmpty();
    assertThat(before.stopNow()).isFalse();
    before.accept(lines.get(third));
    assertThat(before.stopNow()).isTrue();
    ToolRules.Finding f = before.finding().orElseThrow();
    assertThat(f.reason()).isEqualTo(Reason.STALE_TOOL_LOCK);
    assertThat(f.message()).contains("DATABASECHANGELOGLOCK").contains("liquibase release-locks");
  }

  @Test
  @DisplayName("Liquibase giving up on its lock names who holds it and since when")
  void liquibaseLockHolder() throws IOException {
    ToolRules.Finding f =
        read(Tool.Setting.AUTO, null, "liquibase-4.33.0-lock-timeout.txt").orElseThrow();
    assertThat(f.reason()).isEqualTo(Reason.STALE_TOOL_LOCK);
    assertThat(f.message())
        .contains("it is locked by shop-pre-1-x7k2p (10.244.0.17) since 12/4/26, 4:59 PM");
  }

  @Test
  @DisplayName("golang-migrate's dirty version names the version and migrate force")
  void golangMigrateDirty() {
    ToolWatch watch = ToolWatch.of(Tool.Setting.AUTO, "migrate/migrate:v4.18.1", List.of());
    watch.accept("error: Dirty database version 3. Fix and force version.");
    ToolRules.Finding f = watch.finding().orElseThrow();
    assertThat(f.reason()).isEqualTo(Reason.DIRTY_DATABASE);
    assertThat(f.message()).contains("version 3 dirty").contains("`migrate force 3`");
  }

  @Test
  @DisplayName("A successful run of each tool finds nothing")
  void successFindsNothing() throws IOException {
    assertThat(read(Tool.Setting.AUTO, null, "flyway-11.8.2-success.txt")).isEmpty();
    assertThat(read(Tool.Setting.AUTO, null, "liquibase-4.33.0-success.txt")).isEmpty();
  }

  @Test
  @DisplayName(
      "--tool none reads nothing; --tool flyway reads only Flyway's words; auto reads every tool's"
          + " until one is known")
  void settingDecidesWhatIsRead() throws IOException {
    for (String file :
        List.of(
            "flyway-11.8.2-mariadb-failed-migration.txt",
            "liquibase-4.33.0-lock-timeout.txt",
            "liquibase-4.33.0-waiting-for-lock.txt")) {
      assertThat(read(Tool.Setting.OFF, null, file)).as(file).isEmpty();
    }
    Tool.Setting flyway = Tool.parse("flyway", "--tool");
    assertThat(read(flyway, null, "liquibase-4.33.0-lock-timeout.txt")).isEmpty();
    assertThat(read(flyway, null, "flyway-11.8.2-checksum-mismatch.txt")).isPresent();
    // Known from its banner: Liquibase's output is not read as Flyway's
    ToolWatch auto = ToolWatch.detecting();
    lines("liquibase-4.33.0-success.txt").forEach(auto::accept);
    assertThat(auto.tool()).contains(Tool.LIQUIBASE);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "flyway/flyway:11.8.2 | | FLYWAY",
        "registry.example/team/shop-flyway:1.4 | | FLYWAY",
        "liquibase/liquibase:4.33 | | LIQUIBASE",
        "migrate/migrate:v4.18.1 | | GOLANG_MIGRATE",
        "ghcr.io/x/golang-migrate@sha256:abcd | | GOLANG_MIGRATE",
        "busybox:1.36 | /flyway/flyway | FLYWAY",
        "shop-migrations:2 | liquibase | LIQUIBASE",
        "shop-migrations:2 | migrate | GOLANG_MIGRATE",
        "registry:5000/migrate-tools:1 | sh | NONE",
      })
  @DisplayName("The tool is known from the image's repository or the command's name")
  void detectsFromImageOrCommand(String image, String command, String tool) {
    Optional<Tool> found =
        Tool.fromImageOrCommand(image, command == null ? List.of() : List.of(command));
    assertThat(found.map(Tool::name).orElse("NONE")).isEqualTo(tool);
  }

  private static Optional<ToolRules.Finding> read(Tool.Setting setting, String image, String file)
      throws IOException {
    ToolWatch watch = ToolWatch.of(setting, image, List.of());
    lines(file).forEach(watch::accept);
    return watch.finding();
  }

  private static int nth(List<String> lines, String text, int n) {
    int seen = 0;
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).contains(text) && ++seen == n) {
        return i;
      }
    }
    throw new AssertionError("fewer than " + n + " lines with " + text);
  }

  private static List<String> lines(String file) throws IOException {
    try (InputStream in = ToolWatchTest.class.getResourceAsStream("/tool-output/" + file)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
    }
  }
}
