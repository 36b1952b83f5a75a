package dev.kubemigrate.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The database a migration tool will connect to, as the tool's own standard settings name it: the
 * kind of server (which handshake tells "up" from "starting"), its hosts, the database and the user
 * name. Never the password: nothing in this value is secret, so it may be printed whole.
 *
 * <p>Where it is read, first found wins ({@link #find}): {@code --db}; the command's own arguments
 * (Flyway's {@code -url=}, Liquibase's {@code --url}, golang-migrate's {@code -database}, or an
 * argument that is itself a database URL, as psql takes one); then the environment: {@code
 * FLYWAY_URL}, {@code LIQUIBASE_COMMAND_URL}, {@code DATABASE_URL}, {@code PGHOST}/{@code PGPORT}.
 *
 * @param kind the server's protocol
 * @param hosts where it listens; a tool tries them in turn, so one that answers is enough
 * @param database the database's name, or null
 * @param user the user name the tool connects as (never its password), or null
 * @param source where the address was read, for people: {@code FLYWAY_URL}, {@code --db}, …
 */
public record DatabaseAddress(
    Kind kind, List<HostPort> hosts, String database, String user, String source) {

  /** The server's protocol, with its usual port. */
  public enum Kind {
    POSTGRESQL("PostgreSQL", 5432),
    MYSQL("MySQL/MariaDB", 3306),
    SQLSERVER("SQL Server", 1433),
    ORACLE("Oracle", 1521),
    /** Only a TCP connect is tried. */
    TCP("a server", 0);

    private final String label;
    private final int defaultPort;

    Kind(String label, int defaultPort) {
      this.label = label;
      this.defaultPort = defaultPort;
    }

    public String label() {
      return label;
    }

    public int defaultPort() {
      return defaultPort;
    }
  }

  /** One address of the server. */
  public record HostPort(String host, int port) {
    @Override
    public String toString() {
      return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
  }

  public DatabaseAddress {
    hosts = List.copyOf(hosts);
  }

  /** For people: {@code PostgreSQL at db.shop:5432/shop (from FLYWAY_URL)}. */
  public String describe() {
    StringBuilder s = new StringBuilder(kind.label()).append(" at ");
    s.append(String.join(", ", hosts.stream().map(HostPort::toString).toList()));
    if (database != null && !database.isEmpty()) {
      s.append('/').append(database);
    }
    return s.append(" (from ").append(source).append(')').toString();
  }

  /**
   * What {@link #find} found: the address, or why there is none (a line for people, never holding a
   * password).
   */
  public record Lookup(Optional<DatabaseAddress> address, String note) {
    static Lookup of(DatabaseAddress address) {
      return new Lookup(Optional.of(address), null);
    }

    static Lookup none(String note) {
      return new Lookup(Optional.empty(), note);
    }
  }

  /** The environment variables read, in order, each with the one that names its user. */
  private static final List<String[]> URL_VARIABLES =
      List.of(
          new String[] {"FLYWAY_URL", "FLYWAY_USER"},
          new String[] {"LIQUIBASE_COMMAND_URL", "LIQUIBASE_COMMAND_USERNAME"},
          new String[] {"DATABASE_URL", null});

  /** What is searched, for the line that says nothing was found. */
  public static final String SEARCHED =
      "--db, the command's -url/--url/-database, FLYWAY_URL, LIQUIBASE_COMMAND_URL, DATABASE_URL,"
          + " PGHOST";

  /**
   * The database that {@code command} will use: {@code flag} (the value of {@code --db}) when
   * given, else the command's own arguments, else {@code env}.
   *
   * @throws KubemigrateException (usage) when {@code flag} is given and is not a database address
   */
  public static Lookup find(String flag, List<String> command, Map<String, String> env) {
    if (flag != null) {
      return fromFlag(flag, "--db");
    }
    Optional<Named> named = named(null, command, env);
    if (named.isPresent()) {
      return parseOrNote(named.get().url(), named.get().source(), named.get().user());
    }
    String pgHost = env.get("PGHOST");
    if (pgHost != null && !pgHost.isBlank()) {
      return fromPgEnvironment(env);
    }
    return Lookup.none("no database named (" + SEARCHED + "): not waiting for one");
  }

  /**
   * A database URL as a setting names it, before it is read: it may hold a password, so it is for
   * connecting, never for printing ({@link #masked}).
   *
   * @param url the URL as given
   * @param source where it was read ({@code --db}, {@code FLYWAY_URL}, {@code the command's -url})
   * @param user the user named beside it ({@code FLYWAY_USER}, …), or null
   */
  public record Named(String url, String source, String user) {
    @Override
    public String toString() {
      return masked(url) + " (from " + source + ")";
    }
  }

  /**
   * The URL that names the database, first found: {@code flag}, the command's own arguments, then
   * {@code FLYWAY_URL}, {@code LIQUIBASE_COMMAND_URL}, {@code DATABASE_URL}. Empty when none does
   * ({@code PGHOST} names no URL).
   */
  public static Optional<Named> named(String flag, List<String> command, Map<String, String> env) {
    if (flag != null) {
      return Optional.of(new Named(flag.strip(), "--db", null));
    }
    Optional<String[]> argument = fromCommand(command);
    if (argument.isPresent()) {
      return Optional.of(new Named(argument.get()[0], argument.get()[1], null));
    }
    for (String[] variable : URL_VARIABLES) {
      String value = env.get(variable[0]);
      if (value != null && !value.isBlank()) {
        return Optional.of(
            new Named(
                value.strip(), variable[0], variable[1] == null ? null : env.get(variable[1])));
      }
    }
    return Optional.empty();
  }

  /**
   * The database a flag or field ({@code what}) names.
   *
   * @throws KubemigrateException (usage) naming {@code what} when it is not a database address
   */
  public static Lookup fromFlag(String value, String what) {
    try {
      return parse(value, "--db", null);
    } catch (IllegalArgumentException e) {
      throw KubemigrateException.usage(
          "invalid database '"
              + masked(value)
              + "' ("
              + what
              + "): "
              + e.getMessage()
              + "; use a JDBC URL (jdbc:postgresql://HOST:PORT/DB), a URL (postgres://HOST/DB,"
              + " mysql://HOST/DB) or tcp://HOST:PORT");
    }
  }

  private static Lookup parseOrNote(String value, String source, String user) {
    try {
      return parse(value, source, user);
    } catch (IllegalArgumentException e) {
      return Lookup.none(
          "the database in "
              + source
              + " is not one kubemigrate reads ("
              + e.getMessage()
              + "): not waiting for it");
    }
  }

  /** The command's own argument that names the database, with where it stands; if any. */
  private static Optional<String[]> fromCommand(List<String> command) {
    for (String option : List.of("-url", "--url", "-database", "--database")) {
      Optional<String> value = option(command, option);
      if (value.isPresent()) {
        return Optional.of(new String[] {value.get(), "the command's " + option});
      }
    }
    List<String> args = command.size() > 1 ? command.subList(1, command.size()) : List.of();
    for (String a : args) {
      if (looksLikeUrl(a)) {
        return Optional.of(new String[] {a, "an argument of the command"});
      }
    }
    return Optional.empty();
  }

  /**
   * The value the command gives its option {@code name}, as {@code name=VALUE} or {@code name
   * VALUE} (the first), if any: how Flyway ({@code -user=}) and Liquibase ({@code --username}) take
   * settings.
   */
  public static Optional<String> option(List<String> command, String name) {
    List<String> args = command.size() > 1 ? command.subList(1, command.size()) : List.of();
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      if (a.startsWith(name + "=")) {
        return Optional.of(a.substring(name.length() + 1));
      }
      if (a.equals(name) && i + 1 < args.size()) {
        return Optional.of(args.get(i + 1));
      }
    }
    return Optional.empty();
  }

  private static boolean looksLikeUrl(String a) {
    String lower = a.toLowerCase(Locale.ROOT);
    return lower.startsWith("jdbc:")
        || URL_KINDS.keySet().stream().anyMatch(scheme -> lower.startsWith(scheme + "://"));
  }

  private static Lookup fromPgEnvironment(Map<String, String> env) {
    String portText = env.getOrDefault("PGPORT", "5432").strip();
    int port;
    try {
      port = port(portText.isEmpty() ? "5432" : portText);
    } catch (IllegalArgumentException e) {
      return Lookup.none(
          "PGPORT is not a port (" + e.getMessage() + "): not waiting for the database");
    }
    List<HostPort> hosts = new ArrayList<>();
    for (String h : env.get("PGHOST").split(",")) {
      String host = h.strip();
      if (host.startsWith("/")) {
        return Lookup.none("PGHOST names a Unix socket (" + host + "): not waiting for it");
      }
      if (!host.isEmpty()) {
        hosts.add(new HostPort(host, port));
      }
    }
    if (hosts.isEmpty()) {
      return Lookup.none("PGHOST names no host: not waiting for the database");
    }
    return Lookup.of(
        new DatabaseAddress(
            Kind.POSTGRESQL, hosts, env.get("PGDATABASE"), env.get("PGUSER"), "PGHOST"));
  }

  /** URL schemes (golang-migrate's, DATABASE_URL's) and the server each names. */
  private static final Map<String, Kind> URL_KINDS =
      Map.ofEntries(
          Map.entry("postgres", Kind.POSTGRESQL),
          Map.entry("postgresql", Kind.POSTGRESQL),
          Map.entry("pgx", Kind.POSTGRESQL),
          Map.entry("pgx5", Kind.POSTGRESQL),
          Map.entry("cockroach", Kind.POSTGRESQL),
          Map.entry("cockroachdb", Kind.POSTGRESQL),
          Map.entry("redshift", Kind.POSTGRESQL),
          Map.entry("mysql", Kind.MYSQL),
          Map.entry("mariadb", Kind.MYSQL),
          Map.entry("sqlserver", Kind.SQLSERVER),
          Map.entry("tcp", Kind.TCP));

  /** The usual port of a scheme whose server's differs from its protocol's (CockroachDB). */
  private static int defaultPort(String scheme, Kind kind) {
    return switch (scheme) {
      case "cockroach", "cockroachdb" -> 26257;
      case "redshift" -> 5439;
      default -> kind.defaultPort();
    };
  }

  /** File and in-memory databases: nothing listens, so there is nothing to wait for. */
  private static final List<String> NO_SERVER =
      List.of("h2", "sqlite", "sqlite3", "hsqldb", "derby");

  /**
   * Reads a database address from a JDBC URL, a URL or {@code tcp://HOST:PORT}.
   *
   * @param user the user named beside the URL (FLYWAY_USER, …), used when the URL names none
   * @throws IllegalArgumentException saying what is wrong, without the value (it may hold a
   *     password)
   */
  public static Lookup parse(String url, String source, String user) {
    String value = url.strip();
    String lower = value.toLowerCase(Locale.ROOT);
    if (lower.startsWith("jdbc:")) {
      return jdbc(value.substring(5), source, user);
    }
    int colon = lower.indexOf("://");
    if (colon <= 0) {
      throw new IllegalArgumentException("not a URL");
    }
    String scheme = lower.substring(0, colon);
    if (NO_SERVER.contains(scheme)) {
      return Lookup.none(
          "the database in " + source + " is a file, not a server: nothing to wait for");
    }
    Kind kind = URL_KINDS.get(scheme);
    if (kind == null) {
      throw new IllegalArgumentException("unknown scheme '" + scheme + "'");
    }
    Parts parts = Parts.of(value.substring(colon + 3));
    String authority = parts.authority();
    if (kind == Kind.MYSQL) {
      // golang-migrate's (Go's driver's) form: user:password@tcp(host:port)/db
      Matcher tcp = GO_MYSQL.matcher(authority);
      if (tcp.matches()) {
        authority = (tcp.group(1) == null ? "" : tcp.group(1)) + tcp.group(2);
      } else if (authority.contains("unix(")) {
        return Lookup.none("the database in " + source + " is a Unix socket: not waiting for it");
      }
    }
    String urlUser = userOf(authority);
    authority = hostsOf(authority);
    Map<String, String> params = params(parts.query(), "&");
    if (authority.isEmpty()) {
      if (params.containsKey("host") && !params.get("host").startsWith("/")) {
        authority = params.get("host");
      } else {
        return Lookup.none(
            "the database in " + source + " names no host (a Unix socket): not waiting for it");
      }
    }
    List<HostPort> hosts = hosts(authority, defaultPort(scheme, kind));
    if (kind == Kind.TCP && hosts.stream().anyMatch(h -> h.port() == 0)) {
      throw new IllegalArgumentException("tcp:// needs a port");
    }
    String database = parts.path().isEmpty() ? null : decode(parts.path());
    String who =
        urlUser != null && !urlUser.isEmpty() ? urlUser : params.getOrDefault("user", user);
    return Lookup.of(new DatabaseAddress(kind, hosts, database, blankToNull(who), source));
  }

  private static final Pattern GO_MYSQL = Pattern.compile("(?:([^@]*@))?tcp\\(([^)]*)\\)");

  private static Lookup jdbc(String rest, String source, String user) {
    String lower = rest.toLowerCase(Locale.ROOT);
    int colon = lower.indexOf(':');
    if (colon <= 0) {
      throw new IllegalArgumentException("a JDBC URL names its driver: jdbc:DRIVER:…");
    }
    String driver = lower.substring(0, colon);
    String body = rest.substring(colon + 1);
    if (NO_SERVER.contains(driver)) {
      return Lookup.none(
          "the database in " + source + " is a file, not a server: nothing to wait for");
    }
    switch (driver) {
      case "postgresql", "pgsql", "redshift" -> {
        Kind kind = Kind.POSTGRESQL;
        int port = driver.equals("redshift") ? 5439 : kind.defaultPort();
        return hierarchical(kind, body, port, source, user, "&");
      }
      case "mysql", "mariadb" -> {
        // Connector/J's and MariaDB's modes: jdbc:mysql:loadbalance://…,
        // jdbc:mariadb:replication://…
        String b = body.replaceFirst("^[a-z:]*?(//)", "$1");
        if (b.startsWith("//address=") || b.contains("(host=")) {
          throw new IllegalArgumentException("its address=(host=…) form is not read; use --db");
        }
        return hierarchical(Kind.MYSQL, b, Kind.MYSQL.defaultPort(), source, user, "&");
      }
      case "sqlserver" -> {
        // jdbc:sqlserver://host[\instance][:port];databaseName=x;user=y
        int semi = body.indexOf(';');
        String server = semi >= 0 ? body.substring(0, semi) : body;
        Map<String, String> params = params(semi >= 0 ? body.substring(semi + 1) : "", ";");
        if (!server.startsWith("//")) {
          throw new IllegalArgumentException("jdbc:sqlserver: needs //HOST");
        }
        server = server.substring(2);
        int backslash = server.indexOf('\\');
        if (backslash >= 0) {
          if (!server.substring(backslash).contains(":")) {
            throw new IllegalArgumentException(
                "a named instance's port is not in the URL; use --db tcp://HOST:PORT");
          }
          server =
              server.substring(0, backslash) + server.substring(server.indexOf(':', backslash));
        }
        return Lookup.of(
            new DatabaseAddress(
                Kind.SQLSERVER,
                hosts(server, Kind.SQLSERVER.defaultPort()),
                params.get("databasename"),
                blankToNull(params.getOrDefault("user", user)),
                source));
      }
      case "oracle" -> {
        // jdbc:oracle:thin:@host:port:SID or jdbc:oracle:thin:@//host:port/service
        Matcher m = ORACLE.matcher(body);
        if (!m.matches()) {
          throw new IllegalArgumentException(
              "only @HOST:PORT:SID and @//HOST:PORT/SERVICE are read; use --db tcp://HOST:PORT");
        }
        int port = m.group(2) == null ? Kind.ORACLE.defaultPort() : port(m.group(2));
        return Lookup.of(
            new DatabaseAddress(
                Kind.ORACLE, List.of(new HostPort(m.group(1), port)), m.group(3), user, source));
      }
      default -> throw new IllegalArgumentException("unknown JDBC driver '" + driver + "'");
    }
  }

  private static final Pattern ORACLE =
      Pattern.compile("(?i)thin:(?:[^@]*)@(?://)?([^:/]+)(?::(\\d+))?(?:[:/]([^?]*))?");

  /** {@code //host[:port][,host[:port]…][/database][?params]}, or {@code database} alone. */
  private static Lookup hierarchical(
      Kind kind, String body, int port, String source, String user, String separator) {
    if (!body.startsWith("//")) {
      // jdbc:postgresql:database — the local host
      String db = body.contains("?") ? body.substring(0, body.indexOf('?')) : body;
      return Lookup.of(
          new DatabaseAddress(
              kind, List.of(new HostPort("localhost", port)), blankToNull(db), user, source));
    }
    Parts parts = Parts.of(body.substring(2));
    String urlUser = userOf(parts.authority());
    String authority = hostsOf(parts.authority());
    String database = parts.path();
    Map<String, String> params = params(parts.query(), separator);
    List<HostPort> hosts =
        authority.isEmpty() ? List.of(new HostPort("localhost", port)) : hosts(authority, port);
    String who = urlUser != null ? urlUser : params.getOrDefault("user", user);
    return Lookup.of(
        new DatabaseAddress(kind, hosts, blankToNull(database), blankToNull(who), source));
  }

  /** {@code authority[/path][?query]}, taken apart. */
  private record Parts(String authority, String path, String query) {
    static Parts of(String rest) {
      String query = "";
      int q = rest.indexOf('?');
      if (q >= 0) {
        query = rest.substring(q + 1);
        rest = rest.substring(0, q);
      }
      int slash = rest.indexOf('/');
      return slash < 0
          ? new Parts(rest, "", query)
          : new Parts(rest.substring(0, slash), rest.substring(slash + 1), query);
    }
  }

  /** The user before an authority's '@' (its password left out), or null. */
  private static String userOf(String authority) {
    int at = authority.lastIndexOf('@');
    if (at < 0) {
      return null;
    }
    String info = authority.substring(0, at);
    int c = info.indexOf(':');
    return decode(c >= 0 ? info.substring(0, c) : info);
  }

  /** An authority without its user and password. */
  private static String hostsOf(String authority) {
    return authority.substring(authority.lastIndexOf('@') + 1);
  }

  /** {@code host[:port][,host[:port]…]}, IPv6 in brackets. */
  private static List<HostPort> hosts(String authority, int defaultPort) {
    List<HostPort> hosts = new ArrayList<>();
    for (String part : authority.split(",", -1)) {
      String p = part.strip();
      if (p.isEmpty()) {
        throw new IllegalArgumentException("an empty host");
      }
      String host;
      String portText = null;
      if (p.startsWith("[")) {
        int close = p.indexOf(']');
        if (close < 0) {
          throw new IllegalArgumentException("an IPv6 host without its ']'");
        }
        host = p.substring(1, close);
        if (p.length() > close + 1) {
          if (p.charAt(close + 1) != ':') {
            throw new IllegalArgumentException("text after an IPv6 host");
          }
          portText = p.substring(close + 2);
        }
      } else {
        int c = p.lastIndexOf(':');
        host = c >= 0 ? p.substring(0, c) : p;
        portText = c >= 0 ? p.substring(c + 1) : null;
      }
      if (host.isEmpty() || !host.matches("[A-Za-z0-9._:%-]+")) {
        throw new IllegalArgumentException("a host that is not a name or an address");
      }
      hosts.add(
          new HostPort(
              host, portText == null || portText.isEmpty() ? defaultPort : port(portText)));
    }
    return hosts;
  }

  private static int port(String text) {
    try {
      int port = Integer.parseInt(text);
      if (port >= 1 && port <= 65535) {
        return port;
      }
    } catch (NumberFormatException e) {
      // said below
    }
    throw new IllegalArgumentException("port '" + text + "' is not a number from 1 to 65535");
  }

  private static Map<String, String> params(String query, String separator) {
    Map<String, String> params = new java.util.HashMap<>();
    for (String pair : query.split(Pattern.quote(separator))) {
      int eq = pair.indexOf('=');
      if (eq > 0) {
        params.put(pair.substring(0, eq).toLowerCase(Locale.ROOT), decode(pair.substring(eq + 1)));
      }
    }
    return params;
  }

  private static String decode(String s) {
    try {
      return java.net.URLDecoder.decode(s, java.nio.charset.StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return s;
    }
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }

  private static final Pattern USERINFO_PASSWORD = Pattern.compile("(//[^:/@]*):[^@/]*@");
  private static final Pattern PASSWORD_PARAM =
      Pattern.compile("(?i)((?:password|pwd|sslpassword)=)[^&;]*");

  /** {@code url} with its password, if any, replaced by {@code ***}: for messages. */
  public static String masked(String url) {
    String s = USERINFO_PASSWORD.matcher(url).replaceAll("$1:***@");
    return PASSWORD_PARAM.matcher(s).replaceAll("$1***");
  }
}
