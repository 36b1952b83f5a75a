package dev.kubemigrate.e2e;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * One database on the test run's PostgreSQL server, reachable from the test (loopback) and from
 * pods (the host's address on the cluster bridge).
 */
public record Postgres(String hostForPods, int port, String database, String user, String password)
    implements TestDatabase {

  @Override
  public String driver() {
    return "postgresql";
  }

  /** The one number a query such as {@code SELECT count(*) ...} returns. */
  public int count(String sql) throws SQLException {
    try (Connection c = connect();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getInt(1);
    }
  }

  Postgres withDatabase(String name) {
    createDatabase(name);
    return new Postgres(hostForPods, port, name, user, password);
  }
}
