package dev.kubemigrate.e2e;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * One database on one of the test run's servers (PostgreSQL, MariaDB), reachable from the test
 * (loopback) and from pods (the host's address on the cluster bridge).
 */
interface TestDatabase {

  String hostForPods();

  int port();

  String database();

  String user();

  String password();

  /** The JDBC driver's name: {@code postgresql}, {@code mariadb}. */
  String driver();

  /** JDBC URL for the test itself, over loopback. */
  default String localUrl() {
    return "jdbc:" + driver() + "://127.0.0.1:" + port() + "/" + database();
  }

  /** JDBC URL that a pod in the local cluster uses. */
  default String urlFromPods() {
    return "jdbc:" + driver() + "://" + hostForPods() + ":" + port() + "/" + database();
  }

  /** A Secret with the FLYWAY_URL/USER/PASSWORD that the Flyway image reads, for pods. */
  default Secret flywaySecret(String name) {
    return new SecretBuilder()
        .withNewMetadata()
        .withName(name)
        .endMetadata()
        .addToStringData("FLYWAY_URL", urlFromPods())
        .addToStringData("FLYWAY_USER", user())
        .addToStringData("FLYWAY_PASSWORD", password())
        .build();
  }

  default Connection connect() throws SQLException {
    return DriverManager.getConnection(localUrl(), user(), password());
  }

  /** Creates database {@code name} on the same server; the caller returns it as its own type. */
  default void createDatabase(String name) {
    try (Connection c = connect();
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create database " + name, e);
    }
  }
}
