package dev.kubemigrate.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kubemigrate.api.Phase;
import dev.kubemigrate.api.RunListener;
import dev.kubemigrate.lock.AppLock;
import dev.kubemigrate.preflight.Preflight;
import dev.kubemigrate.preflight.PreflightRules;
import dev.kubemigrate.record.FloorStore;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceQuotaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The operator's shared reads on fabric8's CRUD mock server: once their informers run, the
 * pre-flight's lists, the rollback guard's floor and a free lock's Lease cost no request of a run's
 * own, and what changes on the server reaches them.
 */
@EnableKubernetesMockClient(crud = true)
class SharedReadsMockServerTest {

  private static final String NS = "test";

  KubernetesClient client;
  KubernetesMockServer server;
  private SharedReads reads;

  @BeforeEach
  void setUp() {
    reads = SharedReads.informed(client, List.of());
  }

  @AfterEach
  void tearDown() {
    reads.close();
  }

  @Test
  @DisplayName("The pre-flight reads quotas, LimitRanges and nodes from the informers: no request")
  void preflightListsFromTheCache() {
    // Given a full pod quota and a node, and the caches started
    client
        .resourceQuotas()
        .inNamespace(NS)
        .resource(
            new ResourceQuotaBuilder()
                .withNewMetadata()
                .withName("pods")
                .endMetadata()
                .withNewSpec()
                .addToHard("pods", new Quantity("1"))
                .endSpec()
                .withNewStatus()
                .addToHard("pods", new Quantity("1"))
                .addToUsed("pods", new Quantity("1"))
                .endStatus()
                .build())
        .create();
    client
        .nodes()
        .resource(new NodeBuilder().withNewMetadata().withName("n1").endMetadata().build())
        .create();
    assertThat(reads.quotas().available()).isTrue();
    assertThat(reads.limitRanges().available()).isTrue();
    assertThat(reads.nodes().available()).isTrue();
    await().atMost(Duration.ofSeconds(10)).until(() -> reads.nodes().list(null).size() == 1);
    await().atMost(Duration.ofSeconds(10)).until(() -> reads.quotas().list(NS).size() == 1);
    int before = server.getRequestCount();
    // When the pre-flight checks a pod that references nothing
    PreflightRules.Result result = Preflight.check(client, reads, NS, pod(), false);
    // Then the full quota is found, without asking the API server
    assertThat(result.problems()).anyMatch(p -> p.contains("pods"));
    assertThat(server.getRequestCount()).isEqualTo(before);
    // And the same check without shared reads asks for each list
    Preflight.check(client, SharedReads.NONE, NS, pod(), false);
    assertThat(server.getRequestCount()).isEqualTo(before + 3);
  }

  @Test
  @DisplayName(
      "The rollback guard reads the floor from the informer, and sees a floor raised later")
  void guardReadsTheFloorFromTheCache() {
    FloorStore cached = new FloorStore(client, NS, reads.floors());
    assertThat(cached.refusal("shop", Phase.PRE, "1.0.0")).isEmpty();
    // When a contract records the floor 2.0.0 (through the API server)
    new FloorStore(client, NS).record("shop", Phase.POST, "2.0.0", "2.0.0", Instant.now());
    // Then the cached guard refuses 1.0.0 once the informer has it, and asks nothing for it
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> cached.refusal("shop", Phase.PRE, "1.0.0").isPresent());
    int before = server.getRequestCount();
    assertThat(cached.refusal("shop", Phase.PRE, "1.0.0")).isPresent();
    assertThat(cached.refusal("shop", Phase.PRE, "2.0.0")).isEmpty();
    assertThat(server.getRequestCount()).isEqualTo(before);
  }

  @Test
  @DisplayName("A free lock costs one write: create the Lease, or take the released one")
  void freeLockCostsOneWrite() {
    assertThat(reads.leases().available()).isTrue();
    // A first run of the app: no Lease; create it, nothing read first
    int before = server.getRequestCount();
    AppLock first = lock("run/a");
    first.acquire(Duration.ofSeconds(5));
    assertThat(server.getRequestCount() - before).isEqualTo(1);
    first.close();
    // The next run: the released Lease, from the informer; take it with its resourceVersion
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> {
              var l = reads.leases().get(NS, first.name());
              return l != null && l.getSpec().getHolderIdentity() == null;
            });
    before = server.getRequestCount();
    AppLock second = lock("run/b");
    second.acquire(Duration.ofSeconds(5));
    assertThat(server.getRequestCount() - before).isEqualTo(1);
    assertThat(client.leases().inNamespace(NS).withName(first.name()).get().getSpec())
        .satisfies(s -> assertThat(s.getHolderIdentity()).isEqualTo("run/b"))
        .satisfies(s -> assertThat(s.getLeaseTransitions()).isEqualTo(1));
    second.close();
  }

  @Test
  @DisplayName(
      "A Lease the cache has not seen yet: the create conflicts, and it is read from the API")
  void staleCacheFallsBackToTheApi() {
    // Given a holder whose Lease the informer may not have delivered yet
    AppLock holder = lock("run/a");
    holder.acquire(Duration.ofSeconds(5));
    holder.close();
    // When another run takes the lock at once
    AppLock next = lock("run/b");
    next.acquire(Duration.ofSeconds(5));
    // Then it holds it, whatever the cache said
    assertThat(
            client
                .leases()
                .inNamespace(NS)
                .withName(next.name())
                .get()
                .getSpec()
                .getHolderIdentity())
        .isEqualTo("run/b");
    next.close();
  }

  private AppLock lock(String identity) {
    return new AppLock(
        client,
        NS,
        "shop",
        identity,
        Clock.systemUTC(),
        RunListener.SILENT,
        Duration.ofSeconds(15),
        reads.leases());
  }

  private static PodSpec pod() {
    return new PodSpecBuilder()
        .addNewContainer()
        .withName("migrate")
        .withImage("busybox")
        .withNewResources()
        .withRequests(Map.of("cpu", new Quantity("10m")))
        .endResources()
        .endContainer()
        .build();
  }
}
