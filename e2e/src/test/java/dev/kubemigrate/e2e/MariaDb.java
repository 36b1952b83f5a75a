package dev.kubemigrate.e2e;

/**
 * One database on the test run's MariaDB server (Debian's, started by scripts/local-mariadb on the
 * first test that asks for one).
 */
public record MariaDb(String hostForPods, int port, String database, String user, String password)
    implements TestDatabase {

  @Override
  public String driver() {
    return "mariadb";
  }

  MariaDb withDatabase(String name) {
    createDatabase(name);
    return new MariaDb(hostForPods, port, name, user, password);
  }
}
