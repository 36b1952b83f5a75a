package dev.kubemigrate.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubemigrate.api.RunListener;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StartGateTest {

  @TempDir Path dir;

  private final List<String> said = new CopyOnWriteArrayList<>();

  private final RunListener listener =
      new RunListener() {
        @Override
        public void progress(String message) {
          said.add(message);
        }

        @Override
        public void logLine(String pod, String line) {}
      };

  @Test
  @DisplayName("A pod already let through passes at once, without a word")
  void grantedAtOnce() throws Exception {
    Path file = Files.writeString(dir.resolve("granted"), "attempt 1");
    assertThat(StartGate.await(file, Clock.systemUTC(), listener, () -> false))
        .isEqualTo(StartGate.Result.GRANTED);
    assertThat(said).isEmpty();
  }

  @Test
  @DisplayName(
      "An empty or missing grant file is waited on, said once, until the kubelet writes the"
          + " annotation as the downward API does (a new directory, then the link swapped)")
  void waitsForTheGrant() throws Exception {
    for (boolean startsEmpty : new boolean[] {true, false}) {
      said.clear();
      Path volume = Files.createDirectories(dir.resolve("volume-" + startsEmpty));
      Path file = volume.resolve("granted");
      Path first = Files.createDirectories(volume.resolve("..2026_12_05_1"));
      if (startsEmpty) {
        Files.writeString(first.resolve("granted"), "");
        Files.createSymbolicLink(volume.resolve("..data"), first.getFileName());
        Files.createSymbolicLink(file, Path.of("..data/granted"));
      }
      CompletableFuture<StartGate.Result> gate =
          CompletableFuture.supplyAsync(
              () -> StartGate.await(file, Clock.systemUTC(), listener, () -> false));
      Thread.sleep(300); // the gate must still be waiting after some polls
      assertThat(gate).isNotDone();
      Path second = Files.createDirectories(volume.resolve("..2026_12_05_2"));
      Files.writeString(second.resolve("granted"), "attempt 1");
      Path link = volume.resolve("..data_tmp");
      Files.createSymbolicLink(link, second.getFileName());
      Files.move(link, volume.resolve("..data"), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      if (!startsEmpty) {
        Files.createSymbolicLink(file, Path.of("..data/granted"));
      }
      assertThat(gate.get(5, TimeUnit.SECONDS)).isEqualTo(StartGate.Result.GRANTED);
      assertThat(said)
          .as("starts empty: %s", startsEmpty)
          .hasSize(2)
          .first()
          .asString()
          .contains("waiting for kubemigrate to let this pod start the migration");
      assertThat(said.get(1)).contains("attempt 1");
    }
  }

  @Test
  @DisplayName("A stop (SIGTERM) ends the wait as stopped")
  void stops() throws Exception {
    AtomicBoolean stop = new AtomicBoolean();
    CompletableFuture<StartGate.Result> gate =
        CompletableFuture.supplyAsync(
            () -> StartGate.await(dir.resolve("granted"), Clock.systemUTC(), listener, stop::get));
    stop.set(true);
    assertThat(gate.get(5, TimeUnit.SECONDS)).isEqualTo(StartGate.Result.STOPPED);
  }
}
