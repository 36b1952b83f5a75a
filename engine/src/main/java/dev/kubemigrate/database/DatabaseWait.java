package dev.kubemigrate.database;

import dev.kubemigrate.api.DatabaseAddress;
import dev.kubemigrate.api.DatabaseAddress.HostPort;
import dev.kubemigrate.api.Durations;
import dev.kubemigrate.api.Reason;
import dev.kubemigrate.api.RunListener;
import dev.kubemigrate.api.RunOutcome;
import dev.kubemigrate.database.DatabaseProbe.Answer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Waits, bounded, until a database accepts connections ({@link DatabaseProbe}): a database often
 * starts at the same moment as the app whose pods migrate it, and a tool that runs before it is up
 * fails the migration for nothing. A database has no watch: it is asked again after 0.5 s, then
 * less often, at most every 2 s. Says what it waits for when it starts waiting, whenever the answer
 * changes, and every 10 s.
 */
public final class DatabaseWait {

  /** How the wait ended. */
  public enum Result {
    READY,
    TIMED_OUT,
    STOPPED
  }

  /** What a wait that did not end {@link Result#READY} last heard. */
  public record Ended(Result result, String lastAnswer, Duration waited) {}

  private static final Duration FIRST_PAUSE = Duration.ofMillis(500);
  private static final Duration MAX_PAUSE = Duration.ofSeconds(2);
  private static final Duration TRY_TIMEOUT = Duration.ofSeconds(2);

  /** The shortest try: a connect and an answer from a server that is up fit in it on any net. */
  static final Duration MIN_TRY = Duration.ofMillis(250);

  private static final Duration SAY_EVERY = Duration.ofSeconds(10);

  private final Clock clock;
  private final Consumer<String> say;
  private final Prober prober;

  /** One try of one address: {@link DatabaseProbe#probe} but where a test says otherwise. */
  @FunctionalInterface
  public interface Prober {
    Answer probe(DatabaseAddress database, HostPort at, Duration timeout);
  }

  public DatabaseWait(Clock clock, Consumer<String> say) {
    this(clock, say, DatabaseProbe::probe);
  }

  DatabaseWait(Clock clock, Consumer<String> say, Prober prober) {
    this.clock = clock;
    this.say = say;
    this.prober = prober;
  }

  /**
   * Before a migration starts: waits up to {@code timeout} until the database that {@code lookup}
   * found accepts connections. Empty when it does, when none was found (said once), or when {@code
   * timeout} is zero; else the outcome: {@code DatabaseUnreachable} (exit 3), or interrupted. For
   * `exec`, and for `wait-for-db` in a run's pod; {@code what} names the migration.
   */
  public static Optional<RunOutcome> beforeMigration(
      String what,
      DatabaseAddress.Lookup lookup,
      Duration timeout,
      Clock clock,
      RunListener listener,
      BooleanSupplier stop) {
    if (timeout.isZero()) {
      return Optional.empty();
    }
    if (lookup.address().isEmpty()) {
      listener.progress(lookup.note());
      return Optional.empty();
    }
    DatabaseAddress database = lookup.address().get();
    Ended ended = new DatabaseWait(clock, listener::progress).await(database, timeout, stop);
    return switch (ended.result()) {
      case READY -> Optional.empty();
      case STOPPED ->
          Optional.of(
              RunOutcome.cancelled(
                  null, what + ": interrupted while waiting for the database; nothing ran"));
      case TIMED_OUT ->
          Optional.of(
              RunOutcome.stopped(
                  Reason.DATABASE_UNREACHABLE,
                  RunOutcome.How.REFUSED,
                  null,
                  what
                      + " did not start: the database, "
                      + database.describe()
                      + ", did not accept connections within "
                      + Durations.format(timeout)
                      + " (--db-timeout): "
                      + ended.lastAnswer()
                      + "; nothing ran"));
    };
  }

  /**
   * Asks every address of {@code database} in turn until one accepts connections, {@code timeout}
   * has passed, or {@code stop} says so.
   */
  public Ended await(DatabaseAddress database, Duration timeout, BooleanSupplier stop) {
    Instant start = clock.instant();
    Instant deadline = start.plus(timeout);
    Duration pause = FIRST_PAUSE;
    String lastSaid = null;
    Instant saidAt = start;
    String answer = null;
    while (true) {
      for (HostPort at : database.hosts()) {
        Duration left = Duration.between(clock.instant(), deadline);
        if (answer != null && left.compareTo(MIN_TRY) < 0) {
          // No time left for a fair try: a try cut to a few milliseconds would only say "no
          // answer within 1 ms" in place of what the database really answered.
          return new Ended(Result.TIMED_OUT, answer, Duration.between(start, clock.instant()));
        }
        Duration bound =
            left.compareTo(TRY_TIMEOUT) >= 0
                ? TRY_TIMEOUT
                : left.compareTo(MIN_TRY) < 0 ? MIN_TRY : left;
        Answer a = prober.probe(database, at, bound);
        if (a.ready()) {
          Duration waited = Duration.between(start, clock.instant());
          say.accept(
              "the database "
                  + a.detail()
                  + ": "
                  + database.describe()
                  + (lastSaid == null ? "" : ", after " + Durations.format(waited)));
          return new Ended(Result.READY, a.detail(), waited);
        }
        answer = (database.hosts().size() > 1 ? at + ": " : "") + a.detail();
      }
      Instant now = clock.instant();
      if (lastSaid == null) {
        say.accept(
            "waiting for the database, "
                + database.describe()
                + ", to accept connections (up to "
                + Durations.format(timeout)
                + ", --db-timeout): "
                + answer);
        lastSaid = answer;
        saidAt = now;
      } else if (!answer.equals(lastSaid) || !now.isBefore(saidAt.plus(SAY_EVERY))) {
        say.accept(
            "still waiting for the database ("
                + Durations.format(Duration.between(start, now))
                + "): "
                + answer);
        lastSaid = answer;
        saidAt = now;
      }
      if (!now.isBefore(deadline)) {
        return new Ended(Result.TIMED_OUT, answer, Duration.between(start, now));
      }
      if (stop.getAsBoolean()) {
        return new Ended(Result.STOPPED, answer, Duration.between(start, now));
      }
      Duration left = Duration.between(now, deadline);
      try {
        Thread.sleep(Math.max(1, (left.compareTo(pause) < 0 ? left : pause).toMillis()));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return new Ended(Result.STOPPED, answer, Duration.between(start, clock.instant()));
      }
      if (stop.getAsBoolean()) {
        return new Ended(Result.STOPPED, answer, Duration.between(start, clock.instant()));
      }
      pause = pause.multipliedBy(2).compareTo(MAX_PAUSE) > 0 ? MAX_PAUSE : pause.multipliedBy(2);
    }
  }
}
