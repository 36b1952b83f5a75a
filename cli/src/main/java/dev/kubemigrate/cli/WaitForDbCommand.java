package dev.kubemigrate.cli;

import dev.kubemigrate.api.DatabaseAddress;
import dev.kubemigrate.api.Durations;
import dev.kubemigrate.api.RunOutcome;
import dev.kubemigrate.engine.Kubemigrate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code kubemigrate wait-for-db [-- CMD…]}: waits until the database that CMD (a migration tool)
 * will use accepts connections. What {@code exec} does before its command, on its own: the init
 * container that {@code run --wait-for-db} puts before the migration, or any init container of an
 * app. Needs no cluster.
 */
@Command(
    name = "wait-for-db",
    header = "Waits until the database that CMD will use accepts connections.",
    footerHeading = "%nExamples:%n",
    footer = {
      "  kubemigrate wait-for-db --db-timeout 2m -- /flyway/flyway migrate",
      "  kubemigrate wait-for-db --db postgres://db.shop:5432/shop"
    },
    sortOptions = false,
    description =
        "Waits until the database that CMD will use accepts connections (read from CMD's "
            + "-url/--url/-database, FLYWAY_URL, LIQUIBASE_COMMAND_URL, DATABASE_URL or PGHOST; or --db). "
            + "Exits 0 then, or 3 (DatabaseUnreachable) at --db-timeout. Needs no cluster.")
final class WaitForDbCommand implements Callable<Integer> {

  @Option(
      names = "--db",
      paramLabel = "URL",
      description =
          "The database (jdbc:postgresql://HOST:PORT/DB, postgres://…, mysql://…, tcp://…).")
  private String database;

  @Option(
      names = "--db-timeout",
      paramLabel = "DURATION",
      defaultValue = "2m",
      description = "How long to wait (default: 2m).")
  private String dbTimeout;

  @Mixin private HelpOption help;

  @Parameters(
      paramLabel = "CMD",
      arity = "0..*",
      description = "The migration's command and arguments, where its database may be named.")
  private List<String> command = new ArrayList<>();

  @Override
  public Integer call() {
    var limit = Durations.parse(dbTimeout, "--db-timeout", true);
    DatabaseAddress.Lookup lookup =
        DatabaseAddress.find(database, List.copyOf(command), System.getenv());
    Clock clock = Clock.systemUTC();
    ConsoleReporter reporter = new ConsoleReporter(System.out, System.err, clock, false);
    AtomicBoolean stopped = new AtomicBoolean();
    Interrupts.onInterrupt(() -> stopped.set(true));
    RunOutcome outcome =
        Kubemigrate.waitForDatabase(lookup, limit, clock, reporter, stopped::get).orElse(null);
    if (outcome == null) {
      return 0; // said by the wait itself: no summary needed before the migration's own output
    }
    reporter.summary(outcome);
    return outcome.exitCode().code();
  }
}
