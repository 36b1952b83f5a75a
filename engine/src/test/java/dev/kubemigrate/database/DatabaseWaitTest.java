package dev.kubemigrate.database;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubemigrate.api.DatabaseAddress;
import dev.kubemigrate.api.DatabaseAddress.HostPort;
import dev.kubemigrate.api.DatabaseAddress.Kind;
import dev.kubemigrate.database.DatabaseProbe.Answer;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class DatabaseWaitTest {

  private static final DatabaseAddress TWO_HOSTS =
      new DatabaseAddress(
          Kind.POSTGRESQL,
          List.of(new HostPort("a", 5432), new HostPort("b", 5432)),
          "shop",
          "app",
          "FLYWAY_URL");

  @Test
  @DisplayName(
      "Waits until a host accepts connections, saying what it waits for once and when the answer"
          + " changes, and how long it waited")
  void waitsUntilReady() {
    // Given a database whose hosts refuse twice, then say they are starting, then b accepts
    AtomicInteger tries = new AtomicInteger();
    DatabaseWait.Prober prober =
        (db, at, timeout) -> {
          int n = tries.incrementAndGet();
          if (n <= 4) {
            return new Answer(false, "connection refused");
          }
          if (n <= 6 || at.host().equals("a")) {
            return new Answer(false, "the database system is starting up (SQLSTATE 57P03)");
          }
          return new Answer(true, "accepts connections");
        };
    List<String> said = Collections.synchronizedList(new ArrayList<>());
    // When
    DatabaseWait.Ended ended =
        new DatabaseWait(Clock.systemUTC(), said::add, prober)
            .await(TWO_HOSTS, Duration.ofSeconds(30), () -> false);
    // Then
    assertThat(ended.result()).isEqualTo(DatabaseWait.Result.READY);
    assertThat(said).hasSize(3);
    assertThat(said.get(0))
        .isEqualTo(
            "waiting for the database, PostgreSQL at a:5432, b:5432/shop (from FLYWAY_URL), to"
                + " accept connections (up to 30s, --db-timeout): b:5432: connection refused");
    assertThat(said.get(1))
        .startsWith("still waiting for the database (")
        .endsWith("starting up (SQLSTATE 57P03)");
    assertThat(said.get(2))
        .startsWith(
            "the database accepts connections: PostgreSQL at a:5432, b:5432/shop (from"
                + " FLYWAY_URL), after ");
  }

  @Test
  @DisplayName("A database that answers at once costs one line and no pause")
  void readyAtOnce() {
    List<String> said = new ArrayList<>();
    long start = System.nanoTime();
    DatabaseWait.Ended ended =
        new DatabaseWait(
                Clock.systemUTC(),
                said::add,
                (db, at, t) -> new Answer(true, "accepts connections"))
            .await(TWO_HOSTS, Duration.ofSeconds(30), () -> false);
    assertThat(ended.result()).isEqualTo(DatabaseWait.Result.READY);
    assertThat(said)
        .containsExactly(
            "the database accepts connections: PostgreSQL at a:5432, b:5432/shop (from FLYWAY_URL)");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(400));
  }

  @Test
  @DisplayName("A database that never answers ends the wait at its timeout, with the last answer")
  void timesOut() {
    long start = System.nanoTime();
    DatabaseWait.Ended ended =
        new DatabaseWait(
                Clock.systemUTC(), s -> {}, (db, at, t) -> new Answer(false, "connection refused"))
            .await(TWO_HOSTS, Duration.ofMillis(1500), () -> false);
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertThat(ended.result()).isEqualTo(DatabaseWait.Result.TIMED_OUT);
    assertThat(ended.lastAnswer()).isEqualTo("b:5432: connection refused");
    assertThat(took).isBetween(Duration.ofMillis(1400), Duration.ofMillis(3000));
  }

  @Test
  @DisplayName("A stop (SIGTERM) ends the wait at the next pause")
  void stops() {
    AtomicInteger tries = new AtomicInteger();
    DatabaseWait.Ended ended =
        new DatabaseWait(
                Clock.systemUTC(),
                s -> {},
                (db, at, t) -> {
                  tries.incrementAndGet();
                  return new Answer(false, "connection refused");
                })
            .await(TWO_HOSTS, Duration.ofMinutes(5), () -> tries.get() >= 4);
    assertThat(ended.result()).isEqualTo(DatabaseWait.Result.STOPPED);
    assertThat(tries.get()).isEqualTo(4);
  }

  @Test
  @DisplayName(
      "No try is cut below a fair bound at the timeout: the last answer stays what the database"
          + " said, never 'no answer within 1 ms'")
  void noTruncatedTryAtTheEnd() {
    List<Duration> bounds = Collections.synchronizedList(new ArrayList<>());
    for (Duration timeout :
        List.of(Duration.ofMillis(300), Duration.ofMillis(1500), Duration.ofSeconds(3))) {
      bounds.clear();
      DatabaseWait.Ended ended =
          new DatabaseWait(
                  Clock.systemUTC(),
                  s -> {},
                  (db, at, bound) -> {
                    bounds.add(bound);
                    return new Answer(false, "connection refused");
                  })
              .await(TWO_HOSTS, timeout, () -> false);
      assertThat(ended.result()).isEqualTo(DatabaseWait.Result.TIMED_OUT);
      assertThat(ended.lastAnswer())
          .as("timeout %s", timeout)
          .isEqualTo("b:5432: connection refused");
      assertThat(bounds)
          .as("timeout %s", timeout)
          .allMatch(b -> b.compareTo(DatabaseWait.MIN_TRY) >= 0);
    }
  }
}
