package dev.kubemigrate.e2e;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * One database on the test run's MariaDB server (Debian's, started by scripts/local-mariadb on the
 * first test that asks for one), reachable from the test (loopback) and from pods (the host's
 * address on the cluster bridge).
 */
public record MariaDb(String hostForPods, int port, String database, String user, String password) {

  public String localUrl() {
    return "jdbc:mariadb://127.0.0.1:" + port + "/" + database;
  }

  /** The URL Flyway reads in pods: MySQL's scheme, which Flyway's MariaDB driver takes. */
  public String urlFromPods() {
    return "jdbc:mariadb://" + hostForPods + ":" + port + "/" + database;
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

  MariaDb withDatabase(String name) {
    try (Connection c =
            DriverManager.getConnection(
                "jdbc:mariadb://127.0.0.1:" + port + "/" + database, user, password);
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create database " + name, e);
    }
    return new MariaDb(hostForPods, port, name, user, password);
  }
}
