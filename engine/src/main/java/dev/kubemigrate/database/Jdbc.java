package dev.kubemigrate.database;

import dev.kubemigrate.api.DatabaseAddress.Kind;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.SQLException;
import java.util.Properties;

/**
 * A short, read-only JDBC connection to a {@link JdbcTarget}, with the driver kubemigrate carries
 * for it (PostgreSQL's, MariaDB's for MySQL and MariaDB): 5 s to connect, 10 s per answer, so that
 * a check before a migration never holds the app's lock for long.
 */
public final class Jdbc {

  private Jdbc() {}

  public static Connection open(JdbcTarget target) throws SQLException {
    Properties p = new Properties();
    if (target.user() != null) {
      p.setProperty("user", target.user());
    }
    if (target.password() != null) {
      p.setProperty("password", target.password());
    }
    Driver driver;
    if (target.address().kind() == Kind.POSTGRESQL) {
      driver = new org.postgresql.Driver();
      p.setProperty("connectTimeout", "5");
      p.setProperty("loginTimeout", "5");
      p.setProperty("socketTimeout", "10");
      p.setProperty("ApplicationName", "kubemigrate");
    } else {
      driver = new org.mariadb.jdbc.Driver();
      p.setProperty("connectTimeout", "5000");
      p.setProperty("socketTimeout", "10000");
    }
    Connection c = driver.connect(target.url(), p);
    if (c == null) {
      throw new SQLException("the driver does not read this URL");
    }
    c.setReadOnly(true);
    return c;
  }

  /** A driver's message for people: one line, the password (if a driver repeats it) taken out. */
  public static String message(SQLException e, JdbcTarget target) {
    String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    m = m.strip().replaceAll("\\s*\\R\\s*", " ");
    if (target.password() != null && !target.password().isEmpty()) {
      m = m.replace(target.password(), "***");
    }
    return m;
  }
}
