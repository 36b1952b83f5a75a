package dev.kubemigrate.database;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubemigrate.api.DatabaseAddress;
import dev.kubemigrate.api.DatabaseAddress.HostPort;
import dev.kubemigrate.api.DatabaseAddress.Kind;
import dev.kubemigrate.database.DatabaseProbe.Answer;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The probe's handshakes against a loopback server that answers with the bytes PostgreSQL 15 and
 * MariaDB 10.11 send (layouts from PostgreSQL's "Message Formats" and MariaDB's "Connection"
 * pages). The probe against a real PostgreSQL, starting and started, is in the end-to-end tests
 * (ExecIT).
 */
class DatabaseProbeTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(2);

  @Test
  @DisplayName(
      "PostgreSQL: the startup message names the user and database; an authentication request"
          + " means ready")
  void postgresAuthenticationRequestIsReady() throws Exception {
    try (Replying server =
        Replying.afterClient(pgMessage('R', ByteBuffer.allocate(4).putInt(10).array()))) {
      Answer a = DatabaseProbe.probe(pg("flyway", "shop"), server.at(), TIMEOUT);
      assertThat(a.ready()).isTrue();
      assertThat(a.detail()).isEqualTo("accepts connections");
      byte[] startup = server.received();
      ByteBuffer b = ByteBuffer.wrap(startup);
      assertThat(b.getInt()).isEqualTo(startup.length);
      assertThat(b.getInt()).isEqualTo(196608);
      String params = new String(startup, 8, startup.length - 8, StandardCharsets.UTF_8);
      assertThat(params).contains("user\0flyway\0").contains("database\0shop\0");
    }
  }

  @Test
  @DisplayName(
      "PostgreSQL: 'the database system is starting up' (57P03) and 'too many clients' (53300)"
          + " are not ready; any other error means the server answers")
  void postgresErrors() throws Exception {
    record Case(String sqlState, String message, boolean ready) {}
    for (Case c :
        List.of(
            new Case("57P03", "the database system is starting up", false),
            new Case("57P03", "the database system is shutting down", false),
            new Case("53300", "sorry, too many clients already", false),
            new Case("28P01", "password authentication failed for user \"x\"", true),
            new Case("3D000", "database \"shop\" does not exist", true),
            new Case("28000", "no pg_hba.conf entry for host \"10.0.0.1\"", true))) {
      try (Replying server = Replying.afterClient(pgError(c.sqlState(), c.message()))) {
        Answer a = DatabaseProbe.probe(pg("app", "shop"), server.at(), TIMEOUT);
        assertThat(a.ready()).as(c.sqlState()).isEqualTo(c.ready());
        assertThat(a.detail()).contains(c.message()).contains(c.sqlState());
      }
    }
  }

  @Test
  @DisplayName("MySQL/MariaDB: the server's handshake means ready; errors 1040 and 1053 do not")
  void mysqlGreetingAndErrors() throws Exception {
    byte[] greeting = mysqlPacket(concat(new byte[] {0x0a}, "10.11.6-MariaDB\0".getBytes()));
    try (Replying server = Replying.first(greeting)) {
      Answer a = DatabaseProbe.probe(mysql(), server.at(), TIMEOUT);
      assertThat(a.ready()).isTrue();
      assertThat(a.detail()).contains("10.11.6-MariaDB");
    }
    for (int code : List.of(1040, 1053, 1130)) {
      byte[] error =
          mysqlPacket(
              concat(
                  new byte[] {(byte) 0xff, (byte) (code & 0xff), (byte) (code >> 8)},
                  "#08004Too many connections".getBytes()));
      try (Replying server = Replying.first(error)) {
        Answer a = DatabaseProbe.probe(mysql(), server.at(), TIMEOUT);
        assertThat(a.ready()).as("error %d", code).isEqualTo(code == 1130);
        assertThat(a.detail()).contains("Too many connections").contains("error " + code);
      }
    }
  }

  @Test
  @DisplayName(
      "Nothing listening, a server that closes at once, and one that never answers are not ready,"
          + " each in its own words, within the timeout")
  void nothingThereIsNotReady() throws Exception {
    int closed;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closed = s.getLocalPort();
    }
    Answer refused =
        DatabaseProbe.probe(pg("app", "x"), new HostPort("127.0.0.1", closed), TIMEOUT);
    assertThat(refused).isEqualTo(new Answer(false, "connection refused"));

    try (Replying server = Replying.first(new byte[0])) {
      Answer a = DatabaseProbe.probe(pg("app", "x"), server.at(), TIMEOUT);
      assertThat(a.ready()).isFalse();
      assertThat(a.detail()).contains("closed the connection");
    }
    try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      long start = System.nanoTime();
      Answer a =
          DatabaseProbe.probe(
              pg("app", "x"),
              new HostPort("127.0.0.1", silent.getLocalPort()),
              Duration.ofMillis(300));
      assertThat(a.ready()).isFalse();
      assertThat(a.detail()).isEqualTo("no answer within 300 ms");
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
    }
    Answer unknown =
        DatabaseProbe.probe(pg("app", "x"), new HostPort("no-such-host.invalid", 5432), TIMEOUT);
    assertThat(unknown.ready()).isFalse();
    assertThat(unknown.detail()).contains("no-such-host.invalid");
  }

  @Test
  @DisplayName("Another kind of server is ready once it takes a TCP connection")
  void otherServersNeedATcpConnect() throws Exception {
    try (Replying server = Replying.first(new byte[0])) {
      DatabaseAddress tcp = new DatabaseAddress(Kind.TCP, List.of(server.at()), null, null, "--db");
      assertThat(DatabaseProbe.probe(tcp, server.at(), TIMEOUT).ready()).isTrue();
    }
  }

  static DatabaseAddress pg(String user, String db) {
    return new DatabaseAddress(
        Kind.POSTGRESQL, List.of(new HostPort("127.0.0.1", 1)), db, user, "FLYWAY_URL");
  }

  static DatabaseAddress mysql() {
    return new DatabaseAddress(
        Kind.MYSQL, List.of(new HostPort("127.0.0.1", 1)), "shop", "app", "--db");
  }

  static byte[] pgMessage(char type, byte[] body) {
    return ByteBuffer.allocate(5 + body.length)
        .put((byte) type)
        .putInt(4 + body.length)
        .put(body)
        .array();
  }

  static byte[] pgError(String sqlState, String message) {
    String fields = "SFATAL\0VFATAL\0C" + sqlState + "\0M" + message + "\0Fpostmaster.c\0\0";
    return pgMessage('E', fields.getBytes(StandardCharsets.UTF_8));
  }

  static byte[] mysqlPacket(byte[] body) {
    return concat(
        new byte[] {(byte) body.length, (byte) (body.length >> 8), (byte) (body.length >> 16), 0},
        body);
  }

  static byte[] concat(byte[] a, byte[] b) {
    byte[] c = new byte[a.length + b.length];
    System.arraycopy(a, 0, c, 0, a.length);
    System.arraycopy(b, 0, c, a.length, b.length);
    return c;
  }

  /**
   * A loopback server for one connection: it answers {@code reply} at once (a MySQL server speaks
   * first) or after the client's first message (PostgreSQL's), then closes; keeps what it read.
   */
  static final class Replying implements AutoCloseable {
    private final ServerSocket socket;
    private final CompletableFuture<byte[]> received = new CompletableFuture<>();

    /** Answers {@code reply} after the client's first message, as PostgreSQL does. */
    static Replying afterClient(byte[] reply) throws IOException {
      return new Replying(reply, false);
    }

    /** Answers {@code reply} at once, as MySQL does; closes at once when it is empty. */
    static Replying first(byte[] reply) throws IOException {
      return new Replying(reply, true);
    }

    private Replying(byte[] reply, boolean speaksFirst) throws IOException {
      socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
      Thread t =
          new Thread(
              () -> {
                try (Socket s = socket.accept()) {
                  s.setSoTimeout(2000);
                  ByteArrayOutputStream in = new ByteArrayOutputStream();
                  if (!speaksFirst) {
                    DataInputStream data = new DataInputStream(s.getInputStream());
                    int length = data.readInt();
                    byte[] rest = new byte[length - 4];
                    data.readFully(rest);
                    in.write(ByteBuffer.allocate(4).putInt(length).array());
                    in.write(rest);
                  }
                  s.getOutputStream().write(reply);
                  s.getOutputStream().flush();
                  received.complete(in.toByteArray());
                } catch (IOException e) {
                  received.completeExceptionally(e);
                }
              });
      t.setDaemon(true);
      t.start();
    }

    HostPort at() {
      return new HostPort("127.0.0.1", socket.getLocalPort());
    }

    byte[] received() throws Exception {
      return received.get(5, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }
}
