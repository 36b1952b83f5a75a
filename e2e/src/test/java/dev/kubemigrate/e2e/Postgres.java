package dev.kubemigrate.e2e;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * One database on the test run's PostgreSQL server, reachable from the test (loopback) and from
 * pods (the host's address on the cluster bridge).
 */
public record Postgres(
    String hostForPods, int port, String database, String user, String password) {

  /** JDBC URL for the test itself, over loopback. */
  public String localUrl() {
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
  }

  /** JDBC URL that a pod in the local cluster uses. */
  public String urlFromPods() {
    return "jdbc:postgresql://" + hostForPods + ":" + port + "/" + database;
  }

  /** A Secret with the FLYWAY_URL/USER/PASSWORD that the Flyway image reads, for pods. */
  public Secret flywaySecret(String name) {
    return new SecretBuilder()
        .withNewMetadata()
        .withName(name)
        .endMetadata()
        .addToStringData("FLYWAY_URL", urlFromPods())
        .addToStringData("FLYWAY_USER", user)
        .addToStringData("FLYWAY_PASSWORD", password)
        .build();
  }

  public Connection connect() throws SQLException {
    return DriverManager.getConnection(localUrl(), user, password);
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
    try (Connection c =
            DriverManager.getConnection(
                "jdbc:postgresql://127.0.0.1:" + port + "/" + database, user, password);
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create database " + name, e);
    }
    return new Postgres(hostForPods, port, name, user, password);
  }
}
