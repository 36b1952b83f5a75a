package dev.kubemigrate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** `kubemigrate wait-for-db`, the init container of `run --wait-for-db`: no cluster involved. */
class WaitForDbCommandTest {

  @Test
  @DisplayName(
      "A database that never answers: the wait is said, then exit 3 DatabaseUnreachable at"
          + " --db-timeout, its address read from the migration's own arguments")
  void unreachableExitsThree() throws Exception {
    int closed = closedPort();
    CliRunner.Result r =
        run(
            "wait-for-db",
            "--db-timeout",
            "1s",
            "--",
            "/flyway/flyway",
            "-url=jdbc:postgresql://127.0.0.1:" + closed + "/shop?password=s3cret",
            "migrate");
    assertThat(r.exitCode()).as(r.err()).isEqualTo(3);
    assertThat(r.err())
        .contains(
            "waiting for the database, PostgreSQL at 127.0.0.1:"
                + closed
                + "/shop (from the command's -url)")
        .contains("FAILED: the migration did not start")
        .contains("connection refused")
        .contains("hint (DatabaseUnreachable)")
        .doesNotContain("s3cret");
  }

  @Test
  @DisplayName("A database that accepts connections: exit 0 at once, with one line that says so")
  void readyExitsZero() throws Exception {
    try (ServerSocket up = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      CliRunner.Result r = run("wait-for-db", "--db", "tcp://127.0.0.1:" + up.getLocalPort());
      assertThat(r.exitCode()).as(r.err()).isZero();
      assertThat(r.err().lines()).hasSize(1);
      assertThat(r.err())
          .endsWith(
              "] the database accepts TCP connections: a server at 127.0.0.1:"
                  + up.getLocalPort()
                  + " (from --db)\n");
    }
  }

  @Test
  @DisplayName("No database named anywhere: exit 0, saying what it looked at")
  void nothingNamedIsNoWait() {
    CliRunner.Result r = run("wait-for-db", "--", "sh", "-c", "true");
    // The test's own environment may name one (DATABASE_URL, PGHOST): only check when it does not.
    if (System.getenv("FLYWAY_URL") == null
        && System.getenv("LIQUIBASE_COMMAND_URL") == null
        && System.getenv("DATABASE_URL") == null
        && System.getenv("PGHOST") == null) {
      assertThat(r.exitCode()).as(r.err()).isZero();
      assertThat(r.err()).contains("no database named").contains("not waiting");
    }
  }

  /** The command's progress and summary go to System.err, as a pod's log: caught here. */
  private static CliRunner.Result run(String... args) {
    java.io.PrintStream before = System.err;
    java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
    System.setErr(new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8));
    try {
      CliRunner.Result r = CliRunner.run(args);
      return new CliRunner.Result(
          r.exitCode(), r.out(), r.err() + err.toString(java.nio.charset.StandardCharsets.UTF_8));
    } finally {
      System.setErr(before);
    }
  }

  private static int closedPort() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
