package dev.kubemigrate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** `kubemigrate run` as a pipeline runs it, on the real local cluster. */
@ExtendWith(LocalCluster.class)
class RunIT {

  private static final String FLYWAY = Images.FLYWAY;
  private static final String BUSYBOX = Images.BUSYBOX;

  @Test
  @DisplayName(
      "Runs a real Flyway migration once: exit 0, live log, durable record; again is a no-op")
  void migratesOnceWithFlyway(
      KubernetesClient client, TestNamespace ns, Postgres db, Kubemigrate km) throws Exception {
    // Given the database's credentials in a secret
    client.secrets().inNamespace(ns.name()).resource(db.flywaySecret("db")).create();

    // When the pipeline runs the migration
    Args flyway = Args.run(ns, "shop").image(FLYWAY).neverPull().option("--env-from", "secret/db");
    Kubemigrate.Result first = km.run(flyway.build());

    // Then it succeeded, streamed Flyway's own log to stdout, and the schema is there
    assertThat(first.exitCode()).as(first.toString()).isZero();
    assertThat(first.stdout()).contains("Successfully applied 3 migrations");
    assertThat(first.stderr()).contains("created Job").contains("OK:");
    assertThat(db.count("SELECT count(*) FROM customers")).isEqualTo(3);
    ConfigMap record = onlyRecord(client, ns);
    assertThat(record.getData())
        .containsEntry("state", "Succeeded")
        .containsEntry("image", FLYWAY)
        .containsKeys("startedAt", "finishedAt", "jobName", "jobUid", "startedBy");
    assertThat(record.getData().get("logTail")).contains("Successfully applied 3 migrations");
    assertThat(record.getMetadata().getOwnerReferences()).isNullOrEmpty();

    // When it runs again
    Kubemigrate.Result again = km.run(flyway.json().build());

    // Then nothing started: exit 0, "already", one Job, Flyway ran once
    assertThat(again.exitCode()).as(again.toString()).isZero();
    assertThat(again.stdout()).contains("\"how\" : \"already_succeeded\"");
    assertThat(client.batch().v1().jobs().inNamespace(ns.name()).list().getItems()).hasSize(1);
    assertThat(db.count("SELECT count(*) FROM flyway_schema_history WHERE success")).isEqualTo(3);
  }

  @Test
  @DisplayName(
      "A failing migration exits 1 with its exit code and log tail; --retry runs attempt 2")
  void failingMigrationExitsOne(Kubemigrate km, TestNamespace ns, KubernetesClient client) {
    Args failing =
        Args.busyboxRun(ns, "shop", "7")
            .sh("echo applying V7; echo 'ERROR: relation \"orders\" already exists' >&2; exit 3");
    // When
    Kubemigrate.Result failed = km.run(failing.build());
    // Then
    assertThat(failed.exitCode()).as(failed.toString()).isEqualTo(1);
    assertThat(failed.stdout()).as(failed.toString()).contains("applying V7");
    assertThat(failed.stderr())
        .contains("exited with code 3")
        .contains("last 2 lines of the migration's log")
        .contains("relation \"orders\" already exists");
    assertThat(onlyRecord(client, ns).getData())
        .containsEntry("state", "Failed")
        .containsEntry("exitCode", "3");

    // When run again without --retry: the stored failure, nothing started
    Kubemigrate.Result reported = km.run(failing.build());
    assertThat(reported.exitCode()).isEqualTo(1);
    assertThat(reported.stderr())
        .contains("--retry")
        .contains("relation \"orders\" already exists");
    assertThat(client.batch().v1().jobs().inNamespace(ns.name()).list().getItems()).hasSize(1);

    // When retried: attempt 2, a second Job
    List<String> retry = failing.flag("--retry").list();
    Kubemigrate.Result retried = km.start(Map.of(), retry).await(Duration.ofMinutes(2));
    assertThat(retried.exitCode()).isEqualTo(1);
    assertThat(onlyRecord(client, ns).getData()).containsEntry("attempt", "2");
    assertThat(client.batch().v1().jobs().inNamespace(ns.name()).list().getItems()).hasSize(2);
  }

  @Test
  @DisplayName(
      "A missing secret is refused by the pre-flight with exit 3 before anything is created; with"
          + " --preflight off, the pod's CreateContainerConfigError says it in seconds and the Job is"
          + " stopped")
  void missingSecretFailsFast(Kubemigrate km, TestNamespace ns, KubernetesClient client) {
    long start = System.nanoTime();
    // When
    Kubemigrate.Result r =
        km.run(
            Args.run(ns, "shop")
                .image(FLYWAY)
                .neverPull()
                .option("--env-from", "secret/does-not-exist")
                .build());
    long millis = (System.nanoTime() - start) / 1_000_000L;
    // Then: refused, nothing created, not even the record or the lock
    assertThat(r.exitCode()).as(r.toString()).isEqualTo(3);
    assertThat(r.stderr())
        .contains("pre-flight found 1 problem")
        .contains("secret does-not-exist (envFrom of container migrate) does not exist")
        .contains("PreflightFailed");
    assertThat(millis).isLessThan(10_000);
    assertThat(client.batch().v1().jobs().inNamespace(ns.name()).list().getItems()).isEmpty();
    assertThat(records(client, ns)).isEmpty();
    assertThat(client.leases().inNamespace(ns.name()).list().getItems()).isEmpty();

    // When the pre-flight is off, the pod says it
    start = System.nanoTime();
    r =
        km.run(
            Args.run(ns, "shop")
                .image(FLYWAY)
                .neverPull()
                .option("--env-from", "secret/does-not-exist")
                .option("--preflight", "off")
                .build());
    long seconds = (System.nanoTime() - start) / 1_000_000_000L;
    assertThat(r.exitCode()).as(r.toString()).isEqualTo(3);
    assertThat(r.stderr()).contains("CreateContainerConfigError").contains("does-not-exist");
    assertThat(seconds).isLessThan(30);
    assertThat(client.batch().v1().jobs().inNamespace(ns.name()).list().getItems()).isEmpty();
    assertThat(onlyRecord(client, ns).getData())
        .containsEntry("reason", "CreateContainerConfigError");
  }

  @Test
  @DisplayName(
      "The pre-flight names every problem at once (a Secret key, a service account, a pull secret,"
          + " an exhausted ResourceQuota) in under 1 s, creates nothing, and the same command runs"
          + " once they are fixed")
  void preflightNamesEveryProblem(Kubemigrate km, TestNamespace ns, KubernetesClient client)
      throws Exception {
    // Given a pod template whose env takes a key of a Secret that lacks it
    client
        .secrets()
        .inNamespace(ns.name())
        .resource(
            new io.fabric8.kubernetes.api.model.SecretBuilder()
                .withNewMetadata()
                .withName("shop-db")
                .endMetadata()
                .addToStringData("user", "u-9f3k2-value")
                .build())
        .create();
    java.nio.file.Path template = java.nio.file.Files.createTempFile("pod-template", ".yaml");
    java.nio.file.Files.writeString(
        template,
        "spec:\n  containers:\n  - name: migrate\n    env:\n    - name: PGPASSWORD\n"
            + "      valueFrom: {secretKeyRef: {name: shop-db, key: password}}\n");
    // and a quota whose pods are all taken
    client
        .resourceQuotas()
        .inNamespace(ns.name())
        .resource(
            new io.fabric8.kubernetes.api.model.ResourceQuotaBuilder()
                .withNewMetadata()
                .withName("pods")
                .endMetadata()
                .withNewSpec()
                .addToHard("pods", new io.fabric8.kubernetes.api.model.Quantity("0"))
                .endSpec()
                .build())
        .create();
    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(30))
        .until(
            () ->
                client.resourceQuotas().inNamespace(ns.name()).withName("pods").get().getStatus()
                    != null);
    Args args =
        Args.busyboxRun(ns, "shop", "1")
            .option("--pod-template", template.toString())
            .option("--service-account", "migrator")
            .option("--image-pull-secret", "regcred")
            .sh("echo migrated");
    // When
    Kubemigrate.Result refused = km.run(args.build());
    // Then
    assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(3);
    assertThat(refused.stderr())
        .contains("pre-flight found 4 problems")
        .contains("secret shop-db has no key password (env PGPASSWORD of container migrate)")
        .contains("its keys: user")
        .contains("service account migrator")
        .contains("secret regcred (image pull secret) does not exist")
        .contains("ResourceQuota pods allows 0 pods and 0 exist: no room for the pod")
        .doesNotContain("u-9f3k2-value"); // a Secret's values are never printed
    // from the first line to the verdict, as the summary states it: "(exit 3, 0.4s)". It waits
    // for nothing (no grace period, no Job): 0.6-0.9 s here in a JVM without the class-data
    // archive, 1.1 s once in CI under load; a wait of its own would take seconds.
    java.util.regex.Matcher took =
        java.util.regex.Pattern.compile("\\(exit 3, ([0-9.]+)s\\)").matcher(refused.stderr());
    assertThat(took.find()).as(refused.stderr()).isTrue();
    assertThat(Double.parseDouble(took.group(1))).isLessThan(2.0);
    // doctor, given the same migration, names the same problems, and creates nothing either
    String[] doctorArgs = args.build();
    doctorArgs[0] = "doctor";
    Kubemigrate.Result doctor = km.run(doctorArgs);
    assertThat(doctor.exitCode()).as(doctor.toString()).isEqualTo(3);
    assertThat(doctor.stdout())
        .contains("pre-flight problem: secret shop-db has no key password")
        .contains("pre-flight problem: service account migrator")
        .contains("pre-flight problem: ResourceQuota pods allows 0 pods");
    assertThat(client.batch().v1().jobs().inNamespace(ns.name()).list().getItems()).isEmpty();
    assertThat(records(client, ns)).isEmpty();

    // When what it named is created, and the quota lifted, the same command runs
    client
        .secrets()
        .inNamespace(ns.name())
        .withName("shop-db")
        .edit(
            s ->
                new io.fabric8.kubernetes.api.model.SecretBuilder(s)
                    .addToStringData("password", "pw")
                    .build());
    ServiceAccounts.create(client, ns.name(), "migrator");
    client
        .secrets()
        .inNamespace(ns.name())
        .resource(
            new io.fabric8.kubernetes.api.model.SecretBuilder()
                .withNewMetadata()
                .withName("regcred")
                .endMetadata()
                .withType("kubernetes.io/dockerconfigjson")
                .addToStringData(".dockerconfigjson", "{\"auths\":{}}")
                .build())
        .create();
    client.resourceQuotas().inNamespace(ns.name()).withName("pods").delete();
    Kubemigrate.Result ran = km.run(args.build());
    assertThat(ran.exitCode()).as(ran.toString()).isZero();
    assertThat(ran.stdout()).contains("migrated");
  }

  @Test
  @DisplayName("An image that cannot be pulled fails with exit 3 once the startup grace is over")
  void unpullableImageFailsAfterGrace(Kubemigrate km, TestNamespace ns, KubernetesClient client) {
    // Given an image on a loopback registry address where nothing listens
    Kubemigrate.Result r =
        km.run(
            Args.run(ns, "shop")
                .image("127.0.0.1:5999/nope/migrate:1")
                .option("--startup-grace", "5s")
                .build());
    assertThat(r.exitCode()).as(r.toString()).isEqualTo(3);
    assertThat(r.stderr())
        .containsAnyOf("ErrImagePull", "ImagePullBackOff")
        .contains("cannot pull image");
    assertThat(client.batch().v1().jobs().inNamespace(ns.name()).list().getItems()).isEmpty();
  }

  @Test
  @DisplayName("An image that is not on the node with pull policy Never fails at once with exit 3")
  void neverPullFailsAtOnce(Kubemigrate km, TestNamespace ns) {
    Kubemigrate.Result r =
        km.run(Args.run(ns, "shop").image("kubemigrate.local/absent:1").neverPull().build());
    assertThat(r.exitCode()).as(r.toString()).isEqualTo(3);
    assertThat(r.stderr()).contains("ErrImageNeverPull");
  }

  @Test
  @DisplayName("The same version with another image is refused with exit 6 and starts nothing")
  void sameVersionOtherImageConflicts(Kubemigrate km, TestNamespace ns, KubernetesClient client) {
    Kubemigrate.Result first = km.run(Args.busyboxRun(ns, "shop", "1").command("true").build());
    assertThat(first.exitCode()).as(first.toString()).isZero();
    Kubemigrate.Result second =
        km.run(Args.run(ns, "shop").version("1").image(FLYWAY).neverPull().build());
    assertThat(second.exitCode()).as(second.toString()).isEqualTo(6);
    assertThat(second.stderr()).contains("conflict").contains(FLYWAY);
    assertThat(client.batch().v1().jobs().inNamespace(ns.name()).list().getItems()).hasSize(1);
  }

  @Test
  @DisplayName("A pod that cannot be scheduled fails with exit 3 once the startup grace is over")
  void unschedulableFailsAfterGrace(Kubemigrate km, TestNamespace ns, KubernetesClient client) {
    Kubemigrate.Result r =
        km.run(
            Args.busyboxRun(ns, "shop", "1")
                .option("--node-selector", "disk=nvme-that-no-node-has")
                .option("--startup-grace", "3s")
                .command("true")
                .build());
    assertThat(r.exitCode()).as(r.toString()).isEqualTo(3);
    assertThat(r.stderr()).contains("Unschedulable").contains("node");
    assertThat(client.batch().v1().jobs().inNamespace(ns.name()).list().getItems()).isEmpty();
  }

  @Test
  @DisplayName("A command missing from the image could not start: exit 3, saying which")
  void missingCommandExitsThree(Kubemigrate km, TestNamespace ns) {
    Kubemigrate.Result r =
        km.run(
            Args.busyboxRun(ns, "shop", "1")
                .command("/usr/bin/flyway-not-here", "migrate")
                .build());
    assertThat(r.exitCode()).as(r.toString()).isEqualTo(3);
    assertThat(r.stderr()).contains("could not start").contains("/usr/bin/flyway-not-here");
  }

  @Test
  @DisplayName("await reads the record, so it works after the Job is gone")
  void awaitWorksAfterTheJobIsGone(Kubemigrate km, TestNamespace ns, KubernetesClient client) {
    assertThat(km.run(Args.busyboxRun(ns, "shop", "1").command("echo", "done").build()).exitCode())
        .isZero();
    client.batch().v1().jobs().inNamespace(ns.name()).withName("shop-pre-1").delete();
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> client.batch().v1().jobs().inNamespace(ns.name()).list().getItems().isEmpty());
    Kubemigrate.Result r = km.run("await", "-n", ns.name(), "--app", "shop", "--version", "1");
    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(km.run("logs", "-n", ns.name(), "--app", "shop", "--version", "1").stdout())
        .contains("done");
  }

  @Test
  @DisplayName(
      "A migration past its --timeout exits 4 promptly, with the log read so far: its still"
          + " running container's log does not hold the exit")
  void timeoutExitsFour(Kubemigrate km, TestNamespace ns, KubernetesClient client) {
    long start = System.nanoTime();
    Kubemigrate.Result r =
        km.run(
            Args.busyboxRun(ns, "shop", "1")
                .option("--timeout", "5s")
                .sh("echo started; sleep 600")
                .build());
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertThat(r.exitCode()).as(r.toString()).isEqualTo(4);
    assertThat(r.stderr()).contains("timeout");
    assertThat(r.stdout()).contains("started");
    assertThat(onlyRecord(client, ns).getData().get("logTail")).contains("started");
    // 5 s, plus the JVM's start, the claim and the Job controller's deadline check (~2 s here);
    // before the bound, the terminating pod's open log stream held the exit for 15 s more
    assertThat(took).as(r.toString()).isLessThan(Duration.ofSeconds(11));
  }

  @Test
  @DisplayName("Bad input exits 2 with one line and creates nothing")
  void badInputCreatesNothing(Kubemigrate km, TestNamespace ns, KubernetesClient client) {
    for (String[] args :
        List.of(
            new String[] {"--app", "Shop_App", "--image", BUSYBOX},
            new String[] {"--app", "shop", "--image", "UPPER/Case::x"},
            new String[] {"--app", "shop", "--image", BUSYBOX, "--timeout", "ten"},
            new String[] {"--app", "shop", "--image", BUSYBOX, "--env", "NOEQUALS"},
            new String[] {"--app", "shop", "--image", BUSYBOX, "--frobnicate"})) {
      List<String> full = new ArrayList<>(List.of("run", "-n", ns.name()));
      full.addAll(List.of(args));
      Kubemigrate.Result r = km.start(Map.of(), full).await(Duration.ofMinutes(1));
      assertThat(r.exitCode()).as(String.join(" ", args) + "\n" + r).isEqualTo(2);
      assertThat(r.stderr().lines().filter(l -> !l.isBlank()).count())
          .as(r.stderr())
          .isLessThanOrEqualTo(2);
    }
    assertThat(records(client, ns)).isEmpty();
    assertThat(client.batch().v1().jobs().inNamespace(ns.name()).list().getItems()).isEmpty();
  }

  @Test
  @DisplayName("An unreachable cluster exits 5 naming the address")
  void unreachableClusterExitsFive(TestNamespace ns) throws Exception {
    Path config = java.nio.file.Files.createTempFile("kubeconfig", ".yaml");
    java.nio.file.Files.writeString(
        config,
        "apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster: {server: 'https://127.0.0.1:1'}\n"
            + "users:\n- name: u\n  user: {token: t}\ncontexts:\n- name: x\n  context: {cluster: c, user: u}\n"
            + "current-context: x\n");
    Kubemigrate km = new Kubemigrate(Scripts.ofProject().root(), config);
    long start = System.nanoTime();
    Kubemigrate.Result r = km.run(Args.run("shop").image(BUSYBOX).build());
    assertThat(r.exitCode()).as(r.toString()).isEqualTo(5);
    assertThat(r.stderr()).contains("127.0.0.1:1");
    assertThat((System.nanoTime() - start) / 1_000_000_000L).isLessThan(30);
  }

  @Test
  @DisplayName("Twenty runs of one version at once: one Job, one pod, twenty times the same result")
  void twentyConcurrentRunsMakeOneJob(Kubemigrate km, TestNamespace ns, KubernetesClient client) {
    List<Kubemigrate.Running> runs = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      runs.add(
          km.start(Args.busyboxRun(ns, "shop", "9").sh("sleep 3; echo migrated once").build()));
    }
    List<Kubemigrate.Result> results = new ArrayList<>();
    for (Kubemigrate.Running run : runs) {
      results.add(run.await(Duration.ofMinutes(3)));
    }
    assertThat(results).allSatisfy(r -> assertThat(r.exitCode()).as(r.toString()).isZero());
    assertThat(client.batch().v1().jobs().inNamespace(ns.name()).list().getItems()).hasSize(1);
    assertThat(client.pods().inNamespace(ns.name()).list().getItems()).hasSize(1);
    assertThat(results.stream().filter(r -> r.stderr().contains("created Job"))).hasSize(1);
  }

  @Test
  @DisplayName("A run killed half way and started again attaches to the same Job")
  void killedRunAttaches(Kubemigrate km, TestNamespace ns, KubernetesClient client)
      throws Exception {
    String[] args = Args.busyboxRun(ns, "shop", "3").sh("echo start; sleep 6; echo end").build();
    // Given a run killed with SIGKILL once its migration runs
    Kubemigrate.Running first = km.start(args);
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofMinutes(1))
        .until(() -> first.stderrSoFar().contains("the migration runs"));
    first.process.destroyForcibly().waitFor();
    // When the pipeline runs it again
    Kubemigrate.Result second = km.run(args);
    // Then it attached and reported the one run's result
    assertThat(second.exitCode()).as(second.toString()).isZero();
    assertThat(second.stderr()).contains("attaching");
    assertThat(second.stdout()).contains("end");
    assertThat(client.batch().v1().jobs().inNamespace(ns.name()).list().getItems()).hasSize(1);
  }

  @Test
  @DisplayName("Two versions of one app never migrate at once: the second waits, saying for whom")
  void twoVersionsAreSerialised(Kubemigrate km, TestNamespace ns, KubernetesClient client) {
    // Given version 1 migrating
    Kubemigrate.Running v1 =
        km.start(Args.busyboxRun(ns, "shop", "1").sh("sleep 5; echo v1 done").build());
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofMinutes(1))
        .until(() -> v1.stderrSoFar().contains("created Job"));
    // When version 2 starts meanwhile
    Kubemigrate.Result v2 =
        km.run(Args.busyboxRun(ns, "shop", "2").command("echo", "v2 done").build());
    Kubemigrate.Result first = v1.await(Duration.ofMinutes(1));
    // Then it waited for version 1's lock and ran after it
    assertThat(first.exitCode()).as(first.toString()).isZero();
    assertThat(v2.exitCode()).as(v2.toString()).isZero();
    assertThat(v2.stderr()).contains("waiting for lock kubemigrate-lock-shop, held by run/");
    Job job1 = client.batch().v1().jobs().inNamespace(ns.name()).withName("shop-pre-1").get();
    Job job2 = client.batch().v1().jobs().inNamespace(ns.name()).withName("shop-pre-2").get();
    assertThat(java.time.Instant.parse(job2.getMetadata().getCreationTimestamp()))
        .isAfterOrEqualTo(java.time.Instant.parse(job1.getStatus().getCompletionTime()));
  }

  @Test
  @DisplayName("logs -f follows a running migration live; logs prints the stored tail afterwards")
  void logsFollowsALiveRun(Kubemigrate km, TestNamespace ns) {
    Kubemigrate.Running run =
        km.start(
            Args.busyboxRun(ns, "shop", "6")
                .sh("for i in 1 2 3 4; do echo step $i; sleep 1; done")
                .build());
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofMinutes(1))
        .until(() -> run.stderrSoFar().contains("the migration runs"));
    Kubemigrate.Result followed =
        km.run("logs", "-f", "-n", ns.name(), "--app", "shop", "--version", "6");
    assertThat(followed.exitCode()).as(followed.toString()).isZero();
    assertThat(followed.stdout()).contains("step 4");
    assertThat(run.await(Duration.ofMinutes(1)).exitCode()).isZero();
    Kubemigrate.Result stored = km.run("logs", "-n", ns.name(), "--app", "shop", "--version", "6");
    assertThat(stored.stdout().lines().toList())
        .containsExactly("step 1", "step 2", "step 3", "step 4");
  }

  @Test
  @DisplayName("Ctrl-C leaves the Job running by default, says so, and exits 130")
  void interruptLeavesJobRunning(Kubemigrate km, TestNamespace ns, KubernetesClient client)
      throws Exception {
    Kubemigrate.Running run =
        km.start(Args.busyboxRun(ns, "shop", "4").command("sleep", "30").build());
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofMinutes(1))
        .until(() -> run.stderrSoFar().contains("the migration runs"));
    new ProcessBuilder("kill", "-INT", Long.toString(run.process.pid())).start().waitFor();
    Kubemigrate.Result r = run.await(Duration.ofSeconds(30));
    assertThat(r.exitCode()).as(r.toString()).isEqualTo(130);
    assertThat(r.stderr()).contains("keeps running");
    Job job = client.batch().v1().jobs().inNamespace(ns.name()).list().getItems().get(0);
    assertThat(job.getMetadata().getDeletionTimestamp()).isNull();
  }

  @Test
  @DisplayName("--on-interrupt delete stops the Job and records the run as interrupted")
  void interruptCanDeleteTheJob(Kubemigrate km, TestNamespace ns, KubernetesClient client)
      throws Exception {
    Kubemigrate.Running run =
        km.start(
            Args.busyboxRun(ns, "shop", "4")
                .option("--on-interrupt", "delete")
                .command("sleep", "30")
                .build());
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofMinutes(1))
        .until(() -> run.stderrSoFar().contains("the migration runs"));
    new ProcessBuilder("kill", "-TERM", Long.toString(run.process.pid())).start().waitFor();
    Kubemigrate.Result r = run.await(Duration.ofSeconds(30));
    assertThat(r.exitCode()).as(r.toString()).isEqualTo(130);
    assertThat(r.stderr()).contains("stopped Job");
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> client.batch().v1().jobs().inNamespace(ns.name()).list().getItems().isEmpty());
    assertThat(onlyRecord(client, ns).getData()).containsEntry("reason", "Interrupted");
  }

  @Test
  @DisplayName("Runs from a migration file, writes a GitHub step summary, prints one JSON result")
  void runsFromFileWithStepSummary(Kubemigrate km, TestNamespace ns, KubernetesClient client)
      throws Exception {
    // Given a migration file in the Migration resource's shape
    Path file = java.nio.file.Files.createTempFile("migration", ".yaml");
    java.nio.file.Files.writeString(
        file,
        "apiVersion: kubemigrate.dev/v1alpha1\nkind: Migration\nmetadata:\n  name: shop\n"
            + "  namespace: "
            + ns.name()
            + "\nspec:\n  app: shop\n  version: \"2.0\"\n  image: "
            + BUSYBOX
            + "\n  imagePullPolicy: Never\n  command: [sh, -c]\n"
            + "  args: [\"echo migrating $GREETING\"]\n  env:\n  - {name: GREETING, value: from-file}\n"
            + "  timeout: 2m\n");
    Path summary = java.nio.file.Files.createTempFile("step-summary", ".md");
    // When
    Kubemigrate.Result r =
        km.start(
                Map.of("GITHUB_STEP_SUMMARY", summary.toString()),
                List.of("run", "-f", file.toString(), "-o", "json"))
            .await(Duration.ofMinutes(2));
    // Then
    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.stderr()).contains("migrating from-file");
    var json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.stdout());
    assertThat(json.get("exitCode").asInt()).isZero();
    assertThat(json.get("version").asText()).isEqualTo("2.0");
    assertThat(json.get("namespace").asText()).isEqualTo(ns.name());
    assertThat(java.nio.file.Files.readString(summary))
        .contains("kubemigrate")
        .contains("| shop | pre | 2.0 | Succeeded");
  }

  @Test
  @DisplayName("A 10 MB log reaches stdout without losing a line")
  void bigLogLosesNoLine(Kubemigrate km, TestNamespace ns) {
    // 1,300,000 lines of 8 bytes: 10.4 MB
    Kubemigrate.Result r =
        km.run(
            Args.busyboxRun(ns, "shop", "5")
                // The sleep lets the node write the log to its end before the container exits: the
                // local node's containerd (1.6.20) drops the output still in its pipes when a
                // container
                // exits while its log writer lags, so the log file itself lacked the last 2k-12k
                // lines
                // in most runs, with no reader at all ("Failed to pipe stdout ... file already
                // closed"
                // in containerd's log). No client can read those lines; this test is about the
                // client.
                .sh("seq 1000001 2300000; sleep 2")
                .build());
    assertThat(r.exitCode()).as(r.stderr()).isZero();
    List<String> lines = r.stdout().lines().toList();
    assertThat(lines).hasSize(1_300_000);
    assertThat(lines.get(0)).isEqualTo("1000001");
    assertThat(lines.get(lines.size() - 1)).isEqualTo("2300000");
    assertThat(r.stdout().length()).isGreaterThan(10_000_000);
  }

  private static ConfigMap onlyRecord(KubernetesClient client, TestNamespace ns) {
    List<ConfigMap> records = records(client, ns);
    assertThat(records).hasSize(1);
    return records.get(0);
  }

  /** The ConfigMaps labelled as run records in the test's namespace, whatever the label's value. */
  private static List<ConfigMap> records(KubernetesClient client, TestNamespace ns) {
    return client
        .configMaps()
        .inNamespace(ns.name())
        .withLabel("kubemigrate.dev/record")
        .list()
        .getItems();
  }
}
