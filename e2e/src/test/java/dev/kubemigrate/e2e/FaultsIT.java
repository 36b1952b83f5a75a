package dev.kubemigrate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubemigrate.migration.Migration;
import dev.kubemigrate.migration.MigrationStatus;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The fault suite (scripts/faults): N trials, each a migration started the way one of kubemigrate's
 * modes starts it, with one or two {@link Fault}s injected at a random moment, then invariants
 * checked from the database and the cluster, never from kubemigrate's own words:
 *
 * <ol>
 *   <li>the migration's command ran at most once per attempt (each run inserts a row with its pod's
 *       name into PostgreSQL before it works, and marks it finished at its end);
 *   <li>every caller that ended in success (exit 0, a Ready Migration) saw a migration that
 *       finished in the database;
 *   <li>every caller ended within its timeout plus {@link #MARGIN};
 *   <li>the record's final state matches the database, and a success's log tail holds the
 *       migration's last line when the runtime kept it;
 *   <li>once the trial settles, no lock is held, no Job or pod of the trial is left running.
 * </ol>
 *
 * <p>Tagged {@code faults}: {@code scripts/test} leaves it out, {@code scripts/faults N} runs it.
 * Trials run one after the other, as they restart the one cluster's components.
 */
@Tag("faults")
@ExtendWith(LocalCluster.class)
class FaultsIT {

  private static final int TRIALS = Integer.getInteger("faults.trials", Fault.values().length);
  private static final long SEED = Long.getLong("faults.seed", System.currentTimeMillis());

  /** The kinds of fault to draw from (faults.only=A,B), all by default. */
  private static final List<Fault> KINDS =
      System.getProperty("faults.only", "").isBlank()
          ? List.of(Fault.values())
          : Arrays.stream(System.getProperty("faults.only").split(","))
              .map(String::strip)
              .map(Fault::valueOf)
              .toList();

  /** Where each trial's callers' output goes: e2e/target/faults/TRIAL/CALLER.log. */
  private static final Path LOGS = Scripts.ofProject().root().resolve("e2e/target/faults");

  /** The {@code --timeout} of every run, await and exec, and the Migration's timeout. */
  static final Duration TIMEOUT = Duration.ofSeconds(60);

  /** How much later than its timeout a caller may end, and still not count as a hang. */
  static final Duration MARGIN = Duration.ofSeconds(30);

  /** How long after a trial's first caller starts its faults may come. */
  private static final long FAULT_WINDOW_MS = 9_000;

  /** How long the migration works between its first and its last statement. */
  private static final int MIGRATION_SECONDS = 4;

  private static final String APP_LABEL = "kubemigrate.dev/app";

  /** The note of a pod deleted before any caller let it through its start gate. */
  static final String UNGRANTED = "the pod was deleted before a caller let it start";

  private ConfigMap record(Env env) {
    try {
      return client
          .configMaps()
          .inNamespace(env.namespace())
          .withLabel("kubemigrate.dev/record", "true")
          .withLabel(APP_LABEL, env.id())
          .list()
          .getItems()
          .stream()
          .findFirst()
          .orElse(null);
    } catch (KubernetesClientException e) {
      return null;
    }
  }

  private KubernetesClient client;
  private Postgres db;
  private Kubemigrate km;
  private Random random;
  private String operatorNamespace;
  private List<HasMetadata> operatorObjects = List.of();

  @Test
  @DisplayName("Random faults under running migrations: nothing runs twice, lies or hangs")
  void randomFaults(KubernetesClient client, Postgres db, Kubemigrate admin) throws Exception {
    this.client = client;
    this.db = db;
    this.km = admin.withKubeconfig(bridgeKubeconfig(admin.kubeconfig()));
    this.random = new Random(SEED);
    try (Connection c = db.connect();
        Statement s = c.createStatement()) {
      s.execute(
          "CREATE TABLE runs (trial text NOT NULL, pod text NOT NULL,"
              + " started timestamptz NOT NULL DEFAULT now(), finished timestamptz)");
    }
    FaultReport report = new FaultReport(SEED);
    try {
      List<Fault> order = new ArrayList<>();
      for (int i = 0; i < TRIALS; i++) {
        if (order.isEmpty()) {
          // Each round tries every kind once, in a new order: a small N still covers them all.
          order.addAll(KINDS);
          Collections.shuffle(order, random);
        }
        Fault first = order.remove(0);
        List<Fault.Mode> modes = new ArrayList<>(first.modes);
        Fault.Mode mode = modes.get(random.nextInt(modes.size()));
        List<Fault> faults = new ArrayList<>(List.of(first));
        if (random.nextInt(4) == 0) {
          List<Fault> second =
              KINDS.stream().filter(f -> f != first && f.modes.contains(mode)).toList();
          if (!second.isEmpty()) {
            faults.add(second.get(random.nextInt(second.size())));
          }
        }
        String id = String.format("t%03d", i + 1);
        FaultReport.Trial trial = trial(id, mode, faults);
        report.add(trial);
        System.out.printf(
            "[faults] %s %s %s: %s%s%n",
            id,
            mode,
            faults,
            trial.verdicts(),
            trial.violations().isEmpty() ? "" : " VIOLATIONS " + trial.violations());
      }
    } finally {
      String text = report.render();
      System.out.println(text);
      Path out = Scripts.ofProject().root().resolve("e2e/target/faults-report.txt");
      Files.createDirectories(out.getParent());
      Files.writeString(out, text);
      removeOperator();
    }
    assertThat(report.violations()).isEmpty();
  }

  // ------------------------------------------------------------------------------------ a trial

  /** Where a trial's migration lives, and what it runs. */
  private record Env(String id, String namespace, Fault.Mode mode) {}

  private FaultReport.Trial trial(String id, Fault.Mode mode, List<Fault> faults) throws Exception {
    Instant t0 = Instant.now();
    Env env = prepare(id, mode);
    List<String> violations = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    List<Caller> callers = new ArrayList<>(startCallers(env));
    Instant start = Instant.now();
    List<Long> moments =
        faults.stream().map(f -> random.nextLong(FAULT_WINDOW_MS)).sorted().toList();
    Instant firstFault = null;
    for (int k = 0; k < faults.size(); k++) {
      Instant due = start.plusMillis(moments.get(k));
      // The fault's random moment is the point of the trial: there is no condition to wait for.
      long wait = Duration.between(Instant.now(), due).toMillis();
      if (wait > 0) {
        Thread.sleep(wait);
      }
      Instant at = Instant.now();
      firstFault = firstFault == null ? at : firstFault;
      notes.add(
          String.format(
              java.util.Locale.ROOT,
              "%s at +%.1f s",
              faults.get(k),
              Duration.between(start, at).toMillis() / 1000.0));
      notes.addAll(inject(faults.get(k), env, callers));
    }
    awaitEnd(callers, violations);
    Instant verdict =
        callers.stream().map(c -> c.ended().at()).max(Instant::compareTo).orElseThrow();
    // One more caller once the storm is over: a pipeline's re-run, a new replica, an await.
    Caller late = startLate(env);
    callers.add(late);
    awaitEnd(List.of(late), violations);

    List<Row> rows = rows(id);
    boolean migrated = rows.stream().anyMatch(Row::finished);
    checkOncePerAttempt(env, rows, violations);
    for (Caller c : callers) {
      Ended e = c.ended();
      if (e.exitCode() != null && e.exitCode() == 0 && !migrated) {
        violations.add(c.name() + " ended in success, but the migration never finished");
      }
    }
    checkRecord(env, migrated, violations, notes);
    checkSettled(env, violations);
    keepLogs(env, callers);
    cleanUp(env);
    return new FaultReport.Trial(
        id,
        mode,
        List.copyOf(faults),
        migrated,
        callers.stream().map(c -> c.name() + " " + c.ended().describe()).toList(),
        firstFault == null ? null : Duration.between(firstFault, verdict),
        Duration.between(t0, Instant.now()),
        violations,
        notes);
  }

  private Env prepare(String id, Fault.Mode mode) {
    if (mode == Fault.Mode.OPERATOR) {
      installOperator();
      OperatorInstall.awaitReady(client, operatorNamespace, 2);
      return new Env(id, operatorNamespace, mode);
    }
    String ns = LocalCluster.newNamespace(client, "faults-" + id).name();
    client.secrets().inNamespace(ns).resource(dbSecret()).create();
    if (mode == Fault.Mode.EXEC) {
      ServiceAccounts.applyRbac(client, ns, "exec");
    }
    return new Env(id, ns, mode);
  }

  private List<Caller> startCallers(Env env) {
    return switch (env.mode()) {
      case RUN -> List.of(run(env, "run#1"), run(env, "run#2"), await(env, "await"));
      case EXEC -> List.of(replica(env, "replica-a"), replica(env, "replica-b"));
      case OPERATOR -> List.of(migration(env), await(env, "await"));
    };
  }

  private Caller startLate(Env env) {
    return switch (env.mode()) {
      case RUN -> run(env, "run#late");
      case EXEC -> replica(env, "replica-late");
      case OPERATOR -> await(env, "await#late");
    };
  }

  /** The migration: a row when it starts, the row finished when it ends, a last line. */
  private static String script(String id) {
    return ("psql -v ON_ERROR_STOP=1 -qAtc \"INSERT INTO runs (trial, pod) VALUES ('%1$s',"
            + " '$HOSTNAME')\" && echo 'started %1$s' && sleep %2$d && psql -v ON_ERROR_STOP=1"
            + " -qAtc \"UPDATE runs SET finished = now() WHERE trial = '%1$s' AND pod ="
            + " '$HOSTNAME'\" && echo 'migrated %1$s'")
        .formatted(id, MIGRATION_SECONDS);
  }

  // ------------------------------------------------------------------------------------ callers

  /** A process, pod or Migration that waits for the verdict and reports it. */
  private interface Caller {
    String name();

    /** When it began; its bound is this plus {@link #TIMEOUT} and {@link #MARGIN}. */
    Instant started();

    /** How it ended, or null while it runs (a failed look counts as running). */
    Ended poll();

    /** The last {@link #poll()} that was not null. */
    Ended ended();

    /** Stops it once it counts as a hang. */
    void stop();
  }

  /**
   * How a caller ended: at, and with the exit code (0 for a Ready Migration, 1 for a failed one),
   * or null when it went without one (a deleted pod).
   */
  private record Ended(Instant at, Integer exitCode, String detail) {
    String describe() {
      return exitCode == null
          ? detail
          : "exit " + exitCode + (detail.isEmpty() ? "" : " " + detail);
    }
  }

  private abstract static class Polled implements Caller {
    private final String name;
    private final Instant started = Instant.now();
    private Ended ended;

    Polled(String name) {
      this.name = name;
    }

    abstract Ended look();

    @Override
    public String name() {
      return name;
    }

    @Override
    public Instant started() {
      return started;
    }

    @Override
    public Ended poll() {
      if (ended == null) {
        try {
          ended = look();
        } catch (KubernetesClientException e) {
          // The API server is away (a fault): look again later.
        }
      }
      return ended;
    }

    @Override
    public Ended ended() {
      return ended;
    }
  }

  /** A kubemigrate process on this machine: its exit code is the verdict. */
  private static final class ProcessCaller extends Polled {
    final Kubemigrate.Running running;
    private volatile Instant exitedAt;

    ProcessCaller(String name, Kubemigrate.Running running) {
      super(name);
      this.running = running;
      running.process.onExit().thenRun(() -> exitedAt = Instant.now());
    }

    @Override
    Ended look() {
      Instant at = exitedAt;
      if (at == null) {
        return null;
      }
      int code = running.process.exitValue();
      String err = running.stderrSoFar().strip();
      String last = err.isEmpty() ? "" : err.substring(err.lastIndexOf('\n') + 1);
      return new Ended(at, code, code == 0 ? "" : "(" + abbreviate(last) + ")");
    }

    @Override
    public void stop() {
      running.process.destroyForcibly();
    }
  }

  private Caller run(Env env, String name) {
    List<String> args =
        Args.run(new TestNamespace(env.namespace()), env.id())
            .version("1")
            .image(Images.PSQL_KUBEMIGRATE)
            .neverPull()
            .option("--env-from", "secret/db")
            .option("--timeout", TIMEOUT.toSeconds() + "s")
            .option("--kubemigrate-image", Images.KUBEMIGRATE)
            .sh(script(env.id()))
            .list();
    return new ProcessCaller(name, km.start(Map.of(), args));
  }

  private Caller await(Env env, String name) {
    List<String> args =
        List.of(
            "await",
            "-n",
            env.namespace(),
            "--app",
            env.id(),
            "--version",
            "1",
            "--timeout",
            TIMEOUT.toSeconds() + "s");
    return new ProcessCaller(name, km.start(Map.of(), args));
  }

  /** A replica of the app whose one container runs the migration through exec. */
  private Caller replica(Env env, String name) {
    Pod pod =
        ExecPods.pod(
            name,
            Images.PSQL_KUBEMIGRATE,
            "db",
            Map.of(),
            5,
            List.of(
                "kubemigrate",
                "exec",
                "--app",
                env.id(),
                "--version",
                "1",
                "--timeout",
                TIMEOUT.toSeconds() + "s",
                "--",
                "sh",
                "-c",
                script(env.id())));
    client.pods().inNamespace(env.namespace()).resource(pod).create();
    return new Polled(name) {
      @Override
      Ended look() {
        Pod p = client.pods().inNamespace(env.namespace()).withName(name).get();
        if (p == null) {
          return new Ended(Instant.now(), null, "deleted");
        }
        return p.getStatus().getContainerStatuses().stream()
            .map(s -> s.getState().getTerminated())
            .filter(t -> t != null)
            .findFirst()
            .map(
                t ->
                    new Ended(
                        Instant.now(), t.getExitCode(), t.getReason() == null ? "" : t.getReason()))
            .orElse(null);
      }

      @Override
      public void stop() {
        client.pods().inNamespace(env.namespace()).withName(name).withGracePeriod(0).delete();
      }
    };
  }

  /** A Migration for the operator: Ready=True is a success, Stalled=True a failure. */
  private Caller migration(Env env) {
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("app", env.id());
    spec.put("version", "1");
    spec.put("image", Images.PSQL_KUBEMIGRATE);
    spec.put("imagePullPolicy", "Never");
    spec.put("timeout", TIMEOUT.toSeconds() + "s");
    spec.put("command", List.of("sh", "-c", script(env.id())));
    spec.put("envFrom", List.of(Map.of("secretRef", Map.of("name", "db"))));
    client
        .genericKubernetesResources("kubemigrate.dev/v1alpha1", "Migration")
        .inNamespace(env.namespace())
        .resource(
            new GenericKubernetesResourceBuilder()
                .withApiVersion("kubemigrate.dev/v1alpha1")
                .withKind("Migration")
                .withNewMetadata()
                .withName(env.id())
                .endMetadata()
                .addToAdditionalProperties("spec", spec)
                .build())
        .create();
    return new Polled("migration") {
      @Override
      Ended look() {
        Migration m =
            client.resources(Migration.class).inNamespace(env.namespace()).withName(env.id()).get();
        MigrationStatus s = m == null ? null : m.getStatus();
        if (s == null) {
          return null;
        }
        if (isTrue(s.condition("Ready"))) {
          return new Ended(Instant.now(), 0, s.phase());
        }
        if (isTrue(s.condition("Stalled"))) {
          return new Ended(Instant.now(), 1, s.reason() == null ? "" : s.reason());
        }
        return null;
      }

      @Override
      public void stop() {
        // The Migration stays for checkRecord; cleanUp deletes it.
      }
    };
  }

  private static boolean isTrue(Condition c) {
    return c != null && "True".equals(c.getStatus());
  }

  /** Waits until every caller ended, each up to its bound; one that does not is a hang. */
  private static void awaitEnd(List<Caller> callers, List<String> violations)
      throws InterruptedException {
    while (true) {
      boolean running = false;
      for (Caller c : callers) {
        if (c.poll() != null) {
          continue;
        }
        Instant bound = c.started().plus(TIMEOUT).plus(MARGIN);
        if (Instant.now().isAfter(bound)) {
          violations.add(
              c.name() + " did not end within " + TIMEOUT.plus(MARGIN).toSeconds() + " s");
          c.stop();
          while (c.poll() == null && Instant.now().isBefore(bound.plusSeconds(30))) {
            Thread.sleep(250);
          }
          if (c.poll() == null) {
            throw new AssertionError(c.name() + " cannot be stopped");
          }
          continue;
        }
        running = true;
      }
      if (!running) {
        return;
      }
      Thread.sleep(250);
    }
  }

  // ------------------------------------------------------------------------------------- faults

  /** Injects one fault; returns notes (e.g. that its target was already gone). */
  private List<String> inject(Fault fault, Env env, List<Caller> callers) throws Exception {
    Scripts scripts = Scripts.ofProject();
    switch (fault) {
      case SIGKILL_RUN, SIGTERM_RUN -> {
        List<ProcessCaller> live =
            callers.stream()
                .filter(c -> c instanceof ProcessCaller p && c.name().startsWith("run"))
                .map(c -> (ProcessCaller) c)
                .filter(c -> c.running.process.isAlive())
                .toList();
        if (live.isEmpty()) {
          return List.of(fault + ": every run had ended already");
        }
        ProcessCaller victim = live.get(random.nextInt(live.size()));
        if (fault == Fault.SIGKILL_RUN) {
          victim.running.process.destroyForcibly();
        } else {
          victim.running.process.destroy();
        }
        victim
            .running
            .process
            .onExit()
            .get(TIMEOUT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
        // The pipeline runs the step again.
        callers.add(run(env, victim.name() + "-again"));
      }
      case APISERVER_RESTART -> scripts.run("local-cluster", "restart", "kube-apiserver");
      case ETCD_RESTART -> scripts.run("local-cluster", "restart", "etcd");
      case KUBELET_RESTART -> scripts.run("local-cluster", "restart", "kubelet");
      case CONTAINERD_RESTART -> scripts.run("local-cluster", "restart", "containerd");
      case NETWORK_CUT -> {
        long seconds = 5 + random.nextInt(26);
        cutNetwork(true);
        try {
          Thread.sleep(seconds * 1000);
        } finally {
          cutNetwork(false);
        }
        return List.of("network cut for " + seconds + " s");
      }
      case DELETE_POD -> {
        Pod pod = first(() -> pods(env).stream().findFirst().orElse(null));
        if (pod == null) {
          return List.of(fault + ": no pod of the migration to delete");
        }
        // Whether a caller had let the pod through its start gate when it went (noted only:
        // either way, the migration may run once).
        boolean granted =
            pod.getMetadata().getAnnotations() != null
                && pod.getMetadata().getAnnotations().containsKey("kubemigrate.dev/start-granted");
        client.pods().inNamespace(env.namespace()).resource(pod).delete();
        if (!granted) {
          return List.of(UNGRANTED);
        }
      }
      case DELETE_JOB -> {
        Job job = first(() -> jobs(env).stream().findFirst().orElse(null));
        if (job == null) {
          return List.of(fault + ": no Job to delete");
        }
        client.batch().v1().jobs().inNamespace(env.namespace()).resource(job).delete();
      }
      case KILL_LOCK_HOLDER -> {
        String holder =
            first(
                () -> {
                  Lease l = lease(env);
                  return l == null || l.getSpec() == null ? null : l.getSpec().getHolderIdentity();
                });
        String pod =
            holder == null
                ? null
                : List.of("replica-a", "replica-b").stream()
                    .filter(holder::contains)
                    .findFirst()
                    .orElse(null);
        if (pod == null) {
          return List.of(fault + ": no replica held the lock (holder " + holder + ")");
        }
        client.pods().inNamespace(env.namespace()).withName(pod).withGracePeriod(0).delete();
        return List.of("killed lock holder " + pod);
      }
      case KILL_OPERATOR_LEADER -> {
        String leader = first(() -> OperatorInstall.leader(client, env.namespace()));
        if (leader == null) {
          return List.of(fault + ": no leader");
        }
        client.pods().inNamespace(env.namespace()).withName(leader).withGracePeriod(0).delete();
      }
    }
    return List.of();
  }

  /** What {@code get} returns first that is not null, looking for up to 20 s; or null. */
  private static <T> T first(Supplier<T> get) throws InterruptedException {
    Instant until = Instant.now().plusSeconds(20);
    while (Instant.now().isBefore(until)) {
      try {
        T t = get.get();
        if (t != null) {
          return t;
        }
      } catch (KubernetesClientException e) {
        // look again
      }
      Thread.sleep(100);
    }
    return null;
  }

  /**
   * Drops (or stops dropping) the packets that this machine's processes send to the API server's
   * address on the cluster bridge: only the suite's callers use that address (see {@link
   * #bridgeKubeconfig}); the cluster's own components use loopback, pods come in from the bridge.
   */
  private static void cutNetwork(boolean cut) throws Exception {
    String rule =
        "OUTPUT -d 10.217.0.1 -p tcp --dport 16443 -m comment --comment kubemigrate-faults -j DROP";
    List<String> command = new ArrayList<>(List.of("iptables", "-w", cut ? "-I" : "-D"));
    command.addAll(Arrays.asList(rule.split(" ")));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (p.waitFor() != 0) {
      throw new IllegalStateException(String.join(" ", command) + ": " + out);
    }
  }

  /** The admin kubeconfig, pointed at the API server's address on the bridge (in its cert). */
  private static Path bridgeKubeconfig(Path admin) throws IOException {
    Path out = Scripts.ofProject().root().resolve("e2e/target/faults-kubeconfig");
    Files.createDirectories(out.getParent());
    String text = Files.readString(admin).replace("https://127.0.0.1:", "https://10.217.0.1:");
    Files.writeString(out, text);
    return out;
  }

  // --------------------------------------------------------------------------------- invariants

  private record Row(String pod, boolean finished) {}

  private List<Row> rows(String id) throws SQLException {
    List<Row> rows = new ArrayList<>();
    try (Connection c = db.connect();
        PreparedStatement s =
            c.prepareStatement("SELECT pod, finished IS NOT NULL FROM runs WHERE trial = ?")) {
      s.setString(1, id);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          rows.add(new Row(rs.getString(1), rs.getBoolean(2)));
        }
      }
    }
    return rows;
  }

  /**
   * At most one run per attempt: a Job's pods are named after the Job, which is named after the
   * attempt; exec's replicas run one attempt between them.
   */
  private static void checkOncePerAttempt(Env env, List<Row> rows, List<String> violations) {
    Map<String, List<String>> byAttempt = new LinkedHashMap<>();
    for (Row r : rows) {
      String attempt =
          env.mode() == Fault.Mode.EXEC ? "exec" : r.pod().substring(0, r.pod().lastIndexOf('-'));
      byAttempt.computeIfAbsent(attempt, k -> new ArrayList<>()).add(r.pod());
    }
    byAttempt.forEach(
        (attempt, pods) -> {
          if (pods.size() > 1) {
            violations.add("ran " + pods.size() + " times in attempt " + attempt + ": " + pods);
          }
        });
  }

  private void checkRecord(Env env, boolean migrated, List<String> violations, List<String> notes)
      throws InterruptedException {
    ConfigMap record = first(() -> record(env));
    if (record == null) {
      violations.add("no record");
      return;
    }
    Map<String, String> data = record.getData();
    String state = data.get("state");
    if (!"Succeeded".equals(state) && !"Failed".equals(state)) {
      violations.add("the record was left " + state);
    } else if ("Succeeded".equals(state) && !migrated) {
      violations.add("the record says Succeeded, but the migration never finished");
    } else if ("Failed".equals(state) && migrated) {
      notes.add(
          "the migration finished in the database, the record says Failed ("
              + data.get("reason")
              + "): a false failure, never a false success");
    }
    String last = "migrated " + env.id();
    if ("Succeeded".equals(state) && !String.valueOf(data.get("logTail")).contains(last)) {
      boolean kept =
          allPods(env).stream()
              .anyMatch(
                  p -> {
                    try {
                      return String.valueOf(
                              client.pods().inNamespace(env.namespace()).resource(p).getLog())
                          .contains(last);
                    } catch (KubernetesClientException e) {
                      return false;
                    }
                  });
      if (kept) {
        violations.add("the record's log tail lacks the last line, which the runtime kept");
      } else {
        notes.add("the runtime kept no last line of the log, and the record none either");
      }
    }
  }

  /** Once the trial settles, no lock is held and nothing of it runs: up to 60 s to settle. */
  private void checkSettled(Env env, List<String> violations) throws InterruptedException {
    Instant until = Instant.now().plusSeconds(60);
    String left = leftRunning(env);
    while (left != null && Instant.now().isBefore(until)) {
      Thread.sleep(500);
      left = leftRunning(env);
    }
    if (left != null) {
      violations.add("settled with " + left);
    }
  }

  /** What of the trial still holds or runs, or null. */
  private String leftRunning(Env env) {
    try {
      Lease l = lease(env);
      if (l != null && l.getSpec() != null && l.getSpec().getHolderIdentity() != null) {
        ZonedDateTime renewed = l.getSpec().getRenewTime();
        Integer seconds = l.getSpec().getLeaseDurationSeconds();
        if (renewed == null
            || seconds == null
            || renewed.toInstant().plusSeconds(seconds).isAfter(Instant.now())) {
          return "the lock held by " + l.getSpec().getHolderIdentity();
        }
      }
      for (Pod p : allPods(env)) {
        String phase = p.getStatus().getPhase();
        if ("Pending".equals(phase) || "Running".equals(phase)) {
          return "pod " + p.getMetadata().getName() + " " + phase;
        }
      }
      for (Job j : jobs(env)) {
        Integer active = j.getStatus() == null ? null : j.getStatus().getActive();
        if (active != null && active > 0) {
          return "Job " + j.getMetadata().getName() + " active";
        }
      }
      return null;
    } catch (KubernetesClientException e) {
      return "an API server that does not answer (" + e.getCode() + ")";
    }
  }

  private Lease lease(Env env) {
    return client
        .leases()
        .inNamespace(env.namespace())
        .withName("kubemigrate-lock-" + env.id())
        .get();
  }

  /** The migration's Job pods. */
  private List<Pod> pods(Env env) {
    return client
        .pods()
        .inNamespace(env.namespace())
        .withLabel(APP_LABEL, env.id())
        .list()
        .getItems();
  }

  /** Every pod of the trial: the Job's, or exec's replicas (a namespace of their own). */
  private List<Pod> allPods(Env env) {
    return env.mode() == Fault.Mode.EXEC
        ? client.pods().inNamespace(env.namespace()).list().getItems()
        : pods(env);
  }

  private List<Job> jobs(Env env) {
    return client
        .batch()
        .v1()
        .jobs()
        .inNamespace(env.namespace())
        .withLabel(APP_LABEL, env.id())
        .list()
        .getItems();
  }

  // ---------------------------------------------------------------------------------- set-up

  private io.fabric8.kubernetes.api.model.Secret dbSecret() {
    return new SecretBuilder()
        .withNewMetadata()
        .withName("db")
        .endMetadata()
        .addToStringData("PGHOST", db.hostForPods())
        .addToStringData("PGPORT", Integer.toString(db.port()))
        .addToStringData("PGDATABASE", db.database())
        .addToStringData("PGUSER", db.user())
        .addToStringData("PGPASSWORD", db.password())
        .build();
  }

  private void installOperator() {
    if (operatorNamespace != null) {
      return;
    }
    operatorNamespace = LocalCluster.newNamespace(client, "faults-operator").name();
    client.secrets().inNamespace(operatorNamespace).resource(dbSecret()).create();
    operatorObjects = OperatorInstall.install(client, operatorNamespace, 2);
  }

  private void removeOperator() {
    if (operatorNamespace == null) {
      return;
    }
    for (HasMetadata o : operatorObjects) {
      if (o.getMetadata().getNamespace() == null
          && !o.getKind().equals("CustomResourceDefinition")) {
        client.resource(o).delete();
      }
    }
    client.namespaces().withName(operatorNamespace).delete();
  }

  private void cleanUp(Env env) {
    if (env.mode() == Fault.Mode.OPERATOR) {
      client.resources(Migration.class).inNamespace(env.namespace()).withName(env.id()).delete();
      client
          .batch()
          .v1()
          .jobs()
          .inNamespace(env.namespace())
          .withLabel(APP_LABEL, env.id())
          .delete();
      return;
    }
    client.namespaces().withName(env.namespace()).delete();
    if (env.mode() == Fault.Mode.EXEC) {
      ServiceAccounts.deleteClusterWide(client);
    }
  }

  /** Each caller's output, and each pod's log, for a reader of a violation. */
  private void keepLogs(Env env, List<Caller> callers) throws IOException {
    Path dir = LOGS.resolve(env.id());
    Files.createDirectories(dir);
    for (Caller c : callers) {
      if (c instanceof ProcessCaller p) {
        Kubemigrate.Result r = p.running.await(Duration.ofSeconds(10));
        Files.writeString(
            dir.resolve(c.name() + ".log"), r.stderr() + "\n--- stdout ---\n" + r.stdout());
      }
    }
    for (Pod p : allPods(env)) {
      String log;
      try {
        log = client.pods().inNamespace(env.namespace()).resource(p).getLog();
      } catch (KubernetesClientException e) {
        log = "(no log: " + e.getMessage() + ")";
      }
      Files.writeString(dir.resolve("pod-" + p.getMetadata().getName() + ".log"), log);
    }
  }

  private static String abbreviate(String s) {
    return s.length() > 160 ? s.substring(0, 160) + "…" : s;
  }
}
