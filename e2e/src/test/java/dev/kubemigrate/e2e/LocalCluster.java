package dev.kubemigrate.e2e;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.UUID;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * The real local Kubernetes cluster, PostgreSQL and MariaDB for end-to-end tests.
 *
 * <p>Once per test run: uses the cluster that {@code scripts/local-cluster} runs, or starts one
 * (and then stops it at the end); starts a throw-away PostgreSQL in a temp dir on a free port, and
 * a MariaDB the same way when a test first asks for one. Per test: a namespace and a database of
 * its own, passed as {@link TestNamespace}, {@link Postgres} and {@link MariaDb} parameters; the
 * namespace is deleted after the test.
 */
public final class LocalCluster implements ParameterResolver, AfterEachCallback {

  private static final Namespace STORE = Namespace.create(LocalCluster.class);

  /** The services started once per test run, closed by JUnit at its end. */
  static final class Session implements AutoCloseable {
    final Scripts scripts;
    final boolean startedCluster;
    final Path kubeconfig;
    final KubernetesClient client;
    final Path pgDir;
    final Postgres postgres;
    private Path mariaDbDir;
    private MariaDb mariaDb;

    Session() {
      scripts = Scripts.ofProject();
      startedCluster = scripts.exitCode("local-cluster", "status") != 0;
      if (startedCluster) {
        scripts.run("local-cluster", "up");
      }
      String env = scripts.run("local-cluster", "env").trim();
      kubeconfig = Path.of(env.substring(env.indexOf('=') + 1));
      client =
          new KubernetesClientBuilder()
              .withConfig(Config.fromKubeconfig(readString(kubeconfig)))
              .build();
      try {
        pgDir = Files.createTempDirectory("kubemigrate-e2e-pg");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      int port = freePort();
      String pgEnv =
          scripts.run("local-postgres", "up", "--dir", pgDir.toString(), "--port", "" + port);
      String host = value(pgEnv, "KUBEMIGRATE_PG_HOST");
      postgres = new Postgres(host, port, "app", "app", "app");
    }

    /** The run's MariaDB server: started by the first test that asks for it. */
    synchronized MariaDb mariaDb() {
      if (mariaDb == null) {
        try {
          mariaDbDir = Files.createTempDirectory("kubemigrate-e2e-mariadb");
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
        int port = freePort();
        String env =
            scripts.run("local-mariadb", "up", "--dir", mariaDbDir.toString(), "--port", "" + port);
        mariaDb = new MariaDb(value(env, "KUBEMIGRATE_MARIADB_HOST"), port, "app", "app", "app");
      }
      return mariaDb;
    }

    @Override
    public void close() {
      client.close();
      scripts.run("local-postgres", "down", "--dir", pgDir.toString());
      deleteTree(pgDir);
      synchronized (this) {
        if (mariaDbDir != null) {
          scripts.run("local-mariadb", "down", "--dir", mariaDbDir.toString());
          deleteTree(mariaDbDir);
        }
      }
      if (startedCluster && !"true".equals(System.getenv("KUBEMIGRATE_E2E_KEEP_CLUSTER"))) {
        scripts.run("local-cluster", "down");
      }
    }
  }

  static Session session(ExtensionContext context) {
    return context
        .getRoot()
        .getStore(STORE)
        .getOrComputeIfAbsent(Session.class, k -> new Session(), Session.class);
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    return type == KubernetesClient.class
        || type == TestNamespace.class
        || type == Postgres.class
        || type == MariaDb.class
        || type == Kubemigrate.class
        || type == Registry.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    Session session = session(context);
    Class<?> type = parameter.getParameter().getType();
    if (type == KubernetesClient.class) {
      return session.client;
    }
    if (type == Registry.class) {
      return Registry.of(session.scripts);
    }
    if (type == Kubemigrate.class) {
      return new Kubemigrate(session.scripts.root(), session.kubeconfig);
    }
    ExtensionContext.Store store = context.getStore(STORE);
    if (type == Postgres.class) {
      return store.getOrComputeIfAbsent(
          Postgres.class,
          k -> session.postgres.withDatabase("t_" + shortId().replace('-', '_')),
          Postgres.class);
    }
    if (type == MariaDb.class) {
      return store.getOrComputeIfAbsent(
          MariaDb.class,
          k -> session.mariaDb().withDatabase("t_" + shortId().replace('-', '_')),
          MariaDb.class);
    }
    return store.getOrComputeIfAbsent(
        TestNamespace.class, k -> createNamespace(session, context), TestNamespace.class);
  }

  private static TestNamespace createNamespace(Session session, ExtensionContext context) {
    String method = context.getRequiredTestMethod().getName().toLowerCase(Locale.ROOT);
    return newNamespace(session.client, method.replaceAll("[^a-z0-9]+", "-"));
  }

  /**
   * A new namespace named {@code e2e-BASE-ID} whose default service account exists; the caller
   * deletes it.
   */
  static TestNamespace newNamespace(KubernetesClient client, String base) {
    String name = ("e2e-" + base).substring(0, Math.min(50, 4 + base.length())) + "-" + shortId();
    client
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build())
        .create();
    // Pods cannot be created before the namespace's default service account exists.
    client
        .serviceAccounts()
        .inNamespace(name)
        .withName("default")
        .waitUntilCondition(sa -> sa != null, 60, java.util.concurrent.TimeUnit.SECONDS);
    return new TestNamespace(name);
  }

  @Override
  public void afterEach(ExtensionContext context) {
    TestNamespace ns = context.getStore(STORE).get(TestNamespace.class, TestNamespace.class);
    if (ns != null && !"true".equals(System.getenv("KUBEMIGRATE_E2E_KEEP_NAMESPACES"))) {
      session(context).client.namespaces().withName(ns.name()).delete();
      ServiceAccounts.deleteClusterWide(session(context).client);
    }
  }

  static Duration timeout() {
    return Duration.ofMinutes(2);
  }

  private static String shortId() {
    return UUID.randomUUID().toString().substring(0, 8);
  }

  static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void deleteTree(Path dir) {
    try (var paths = Files.walk(dir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // A temp dir left behind is harmless.
    }
  }

  private static String readString(Path path) {
    try {
      return Files.readString(path);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String value(String envLines, String name) {
    for (String line : envLines.split("\n")) {
      String prefix = "export " + name + "=";
      if (line.startsWith(prefix)) {
        return line.substring(prefix.length()).trim();
      }
    }
    throw new IllegalStateException("no " + name + " in: " + envLines);
  }
}
