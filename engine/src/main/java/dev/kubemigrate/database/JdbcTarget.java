package dev.kubemigrate.database;

import dev.kubemigrate.api.DatabaseAddress;
import dev.kubemigrate.api.DatabaseAddress.HostPort;
import dev.kubemigrate.api.DatabaseAddress.Kind;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Where and as whom kubemigrate reads a migration tool's tables over JDBC: the database and login
 * that the tool's own settings name, as the tool would connect (pure). PostgreSQL and MySQL/MariaDB
 * only, the two servers whose drivers kubemigrate carries.
 *
 * <p>It holds the password: {@link #toString} leaves it out, and nothing prints {@link #url}.
 *
 * @param address the database, for people ({@link DatabaseAddress#describe})
 * @param url the JDBC URL to connect with (PostgreSQL's {@code jdbc:postgresql:}, MariaDB's {@code
 *     jdbc:mariadb:}); it may hold a password parameter
 * @param user the user, or null when the URL names it
 * @param password the password, or null when the URL holds it or none is set
 */
public record JdbcTarget(DatabaseAddress address, String url, String user, String password) {

  @Override
  public String toString() {
    return address.describe() + (user == null ? "" : " as " + user);
  }

  /** What {@link #find} found: the target, or why there is none (a line for people). */
  public record Found(Optional<JdbcTarget> target, String note) {}

  /**
   * The database that {@code command} will use (as {@link DatabaseAddress#find} reads it) with the
   * login its tool reads from the same place: the URL's own user and password; Flyway's {@code
   * -user=}/{@code -password=} and Liquibase's {@code --username}/{@code --password} beside a URL
   * in the command; {@code FLYWAY_USER}/{@code FLYWAY_PASSWORD} beside {@code FLYWAY_URL}, {@code
   * LIQUIBASE_COMMAND_USERNAME}/{@code LIQUIBASE_COMMAND_PASSWORD} beside {@code
   * LIQUIBASE_COMMAND_URL}; {@code PGUSER}/{@code PGPASSWORD} (PostgreSQL's own) when none of those
   * is set.
   */
  public static Found find(String flag, List<String> command, Map<String, String> env) {
    DatabaseAddress.Lookup lookup = DatabaseAddress.find(flag, command, env);
    if (lookup.address().isEmpty()) {
      return new Found(Optional.empty(), lookup.note());
    }
    DatabaseAddress address = lookup.address().get();
    if (address.kind() != Kind.POSTGRESQL && address.kind() != Kind.MYSQL) {
      return new Found(
          Optional.empty(),
          "the database is "
              + address.kind().label()
              + ": kubemigrate reads the tables of PostgreSQL and MySQL/MariaDB only");
    }
    Optional<DatabaseAddress.Named> named = DatabaseAddress.named(flag, command, env);
    String url;
    String user = address.user();
    String password = null;
    String source = address.source();
    if (named.isPresent()) {
      String given = named.get().url();
      url = jdbcUrl(address, given);
      password = first(userInfoPassword(given), queryParameter(given, "password"));
    } else {
      url = jdbcUrl(address, null); // PGHOST/PGPORT/PGDATABASE
    }
    if (source.startsWith("the command's ") || source.equals("an argument of the command")) {
      user = first(user, option(command, "-user"), option(command, "--username"));
      password = first(password, option(command, "-password"), option(command, "--password"));
    }
    switch (source) {
      case "FLYWAY_URL" -> password = first(password, env.get("FLYWAY_PASSWORD"));
      case "LIQUIBASE_COMMAND_URL" ->
          password = first(password, env.get("LIQUIBASE_COMMAND_PASSWORD"));
      default -> {
        // --db, DATABASE_URL, the command's URL: the tools' own variables, if set
        user = first(user, env.get("FLYWAY_USER"), env.get("LIQUIBASE_COMMAND_USERNAME"));
        password =
            first(password, env.get("FLYWAY_PASSWORD"), env.get("LIQUIBASE_COMMAND_PASSWORD"));
      }
    }
    if (address.kind() == Kind.POSTGRESQL) {
      user = first(user, env.get("PGUSER"));
      password = first(password, env.get("PGPASSWORD"));
    }
    return new Found(Optional.of(new JdbcTarget(address, url, user, password)), null);
  }

  /**
   * The JDBC URL for {@code address}: the given JDBC URL itself (its options kept: SSL, timeouts;
   * {@code jdbc:mysql:} becomes {@code jdbc:mariadb:}, the driver kubemigrate carries), else one
   * built from the address, keeping PostgreSQL's {@code sslmode}.
   */
  static String jdbcUrl(DatabaseAddress address, String given) {
    String lower = given == null ? "" : given.toLowerCase(Locale.ROOT);
    if (address.kind() == Kind.POSTGRESQL && lower.startsWith("jdbc:postgresql:")) {
      return given;
    }
    String hosts =
        address.hosts().stream().map(HostPort::toString).collect(Collectors.joining(","));
    String database = address.database() == null ? "" : address.database();
    if (address.kind() == Kind.MYSQL) {
      return "jdbc:mariadb://" + hosts + "/" + database;
    }
    String sslmode = queryParameter(given, "sslmode");
    return "jdbc:postgresql://"
        + hosts
        + "/"
        + database
        + (sslmode == null ? "" : "?sslmode=" + sslmode);
  }

  /** The password in a URL's {@code user:password@}, decoded; null if none. */
  static String userInfoPassword(String url) {
    int scheme = url.indexOf("://");
    if (scheme < 0) {
      return null;
    }
    String rest = url.substring(scheme + 3);
    int end = rest.indexOf('/');
    String authority = end < 0 ? rest : rest.substring(0, end);
    int at = authority.lastIndexOf('@');
    if (at < 0) {
      return null;
    }
    String info = authority.substring(0, at);
    int colon = info.indexOf(':');
    return colon < 0 ? null : decode(info.substring(colon + 1));
  }

  private static String queryParameter(String url, String name) {
    if (url == null || url.indexOf('?') < 0) {
      return null;
    }
    for (String pair : url.substring(url.indexOf('?') + 1).split("&")) {
      if (pair.toLowerCase(Locale.ROOT).startsWith(name + "=")) {
        return pair.substring(name.length() + 1);
      }
    }
    return null;
  }

  private static String option(List<String> command, String name) {
    return DatabaseAddress.option(command, name).orElse(null);
  }

  private static String first(String... values) {
    for (String v : values) {
      if (v != null && !v.isEmpty()) {
        return v;
      }
    }
    return null;
  }

  private static String decode(String s) {
    try {
      return URLDecoder.decode(s, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return s;
    }
  }
}
