package dev.kubemigrate.database;

import dev.kubemigrate.api.DatabaseAddress;
import dev.kubemigrate.api.DatabaseAddress.HostPort;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Asks one address of a database server whether it accepts connections, the way its own clients
 * begin, and never with a password:
 *
 * <ul>
 *   <li><b>PostgreSQL</b>: a StartupMessage (protocol 3.0) with the user and database names. An
 *       authentication request ('R') means the server accepts connections; so does any error but
 *       SQLSTATE 57P03 ("the database system is starting up", shutting down, in recovery) and 53300
 *       (too many connections). The probe closes the connection before it would send a password,
 *       which PostgreSQL leaves out of its log.
 *   <li><b>MySQL/MariaDB</b>: the server speaks first; its handshake packet (protocol 10) means it
 *       accepts connections, an error packet 1040 (too many connections) or 1053 (shutting down)
 *       that it does not yet. The probe sends nothing and closes.
 *   <li>Anything else: a TCP connect.
 * </ul>
 *
 * An answer that is no handshake is "up" all the same: the tool will say what it makes of it.
 */
public final class DatabaseProbe {

  /** The answer of one try: whether the server accepts connections, and in which words. */
  public record Answer(boolean ready, String detail) {
    static Answer ready(String detail) {
      return new Answer(true, detail);
    }

    static Answer notReady(String detail) {
      return new Answer(false, detail);
    }
  }

  private DatabaseProbe() {}

  /** One try of {@code at}, bounded by {@code timeout} for the connect and for the answer. */
  public static Answer probe(DatabaseAddress database, HostPort at, Duration timeout) {
    int millis = (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis()));
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(at.host(), at.port()), millis);
      socket.setSoTimeout(millis);
      return switch (database.kind()) {
        case POSTGRESQL -> postgres(socket, database);
        case MYSQL -> mysql(socket);
        default -> Answer.ready("accepts TCP connections");
      };
    } catch (UnknownHostException e) {
      return Answer.notReady("host " + at.host() + " not found");
    } catch (ConnectException e) {
      return Answer.notReady("connection refused");
    } catch (NoRouteToHostException e) {
      return Answer.notReady("no route to host");
    } catch (SocketTimeoutException e) {
      return Answer.notReady("no answer within " + millis + " ms");
    } catch (EOFException e) {
      return Answer.notReady("the server closed the connection before it answered");
    } catch (IOException e) {
      return Answer.notReady(
          e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
    }
  }

  /** SQLSTATEs that say "not yet": the server is starting, stopping, in recovery, or full. */
  private static boolean pgNotYet(String sqlState) {
    return "57P03".equals(sqlState) || "53300".equals(sqlState);
  }

  static Answer postgres(Socket socket, DatabaseAddress database) throws IOException {
    OutputStream out = socket.getOutputStream();
    out.write(
        startupMessage(
            database.user() == null ? "kubemigrate" : database.user(), database.database()));
    out.flush();
    DataInputStream in = new DataInputStream(socket.getInputStream());
    int type = in.read();
    if (type < 0) {
      throw new EOFException();
    }
    int length = in.readInt();
    if (length < 4 || length > 1 << 16) {
      return Answer.ready("answers, but not as PostgreSQL does (message '" + (char) type + "')");
    }
    byte[] body = new byte[length - 4];
    in.readFully(body);
    return switch (type) {
      case 'R', 'v' -> Answer.ready("accepts connections");
      case 'E' -> {
        String sqlState = field(body, 'C');
        String message = field(body, 'M');
        String said = message + (sqlState == null ? "" : " (SQLSTATE " + sqlState + ")");
        yield pgNotYet(sqlState) ? Answer.notReady(said) : Answer.ready("answers: " + said);
      }
      default -> Answer.ready("answers (message '" + (char) type + "')");
    };
  }

  /** A PostgreSQL StartupMessage, protocol 3.0. */
  static byte[] startupMessage(String user, String database) {
    StringBuilder params = new StringBuilder();
    params.append("user\0").append(user).append('\0');
    if (database != null) {
      params.append("database\0").append(database).append('\0');
    }
    params.append("application_name\0kubemigrate\0");
    params.append('\0');
    byte[] p = params.toString().getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(8 + p.length).putInt(8 + p.length).putInt(196608).put(p).array();
  }

  /** One field of an ErrorResponse body: {@code C} the SQLSTATE, {@code M} the message. */
  static String field(byte[] body, char code) {
    int i = 0;
    while (i < body.length && body[i] != 0) {
      int end = i + 1;
      while (end < body.length && body[end] != 0) {
        end++;
      }
      if (body[i] == code) {
        return new String(body, i + 1, end - i - 1, StandardCharsets.UTF_8);
      }
      i = end + 1;
    }
    return null;
  }

  static Answer mysql(Socket socket) throws IOException {
    InputStream raw = socket.getInputStream();
    DataInputStream in = new DataInputStream(raw);
    byte[] header = new byte[4];
    in.readFully(header);
    int length = (header[0] & 0xff) | (header[1] & 0xff) << 8 | (header[2] & 0xff) << 16;
    if (length < 1 || length > 1 << 16) {
      return Answer.ready("answers, but not as MySQL does");
    }
    byte[] body = new byte[length];
    in.readFully(body);
    int first = body[0] & 0xff;
    if (first == 0x0a) {
      int end = 1;
      while (end < body.length && body[end] != 0) {
        end++;
      }
      return Answer.ready(
          "accepts connections (server "
              + new String(body, 1, end - 1, StandardCharsets.UTF_8)
              + ")");
    }
    if (first == 0xff && body.length >= 3) {
      int code = (body[1] & 0xff) | (body[2] & 0xff) << 8;
      int from = body.length > 3 && body[3] == '#' ? 9 : 3;
      String message =
          from < body.length
              ? new String(body, from, body.length - from, StandardCharsets.UTF_8)
              : "";
      String said = message + " (error " + code + ")";
      return code == 1040 || code == 1053
          ? Answer.notReady(said)
          : Answer.ready("answers: " + said);
    }
    return Answer.ready("answers (packet 0x" + Integer.toHexString(first) + ")");
  }
}
