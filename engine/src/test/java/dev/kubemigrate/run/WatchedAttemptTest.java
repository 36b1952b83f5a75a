package dev.kubemigrate.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubemigrate.api.ExitCode;
import dev.kubemigrate.api.KubemigrateException;
import dev.kubemigrate.api.MigrationSpec;
import dev.kubemigrate.api.Phase;
import dev.kubemigrate.api.RunListener;
import dev.kubemigrate.api.RunRecord;
import dev.kubemigrate.api.RunState;
import dev.kubemigrate.job.JobFactory;
import dev.kubemigrate.job.StartGate;
import dev.kubemigrate.kube.ServerVersion;
import dev.kubemigrate.record.RecordStore;
import dev.kubemigrate.record.StoredRecord;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Which pod of an attempt's Job may start, as the callers that watch it decide it through the run's
 * record: the start gate's compare-and-set, with callers that see the pods differently.
 */
@EnableKubernetesMockClient(crud = true)
class WatchedAttemptTest {

  private static final String NS = "test";

  KubernetesClient client;

  private RecordStore store;
  private StoredRecord claimed;
  private Job gated;
  private final List<String> granted = new ArrayList<>();

  @BeforeEach
  void claim() {
    store = new RecordStore(client, NS);
    MigrationSpec spec =
        MigrationSpec.builder().app("shop").version("1.0").image("shop-migrate:1.0").build();
    gated = new JobFactory().build(spec.validate(), NS, 1, new ServerVersion(1, 20), "km:1");
    claimed =
        store
            .create(
                RunRecord.claim(
                    "shop",
                    Phase.PRE,
                    "1.0",
                    RunState.PENDING,
                    "shop-migrate:1.0",
                    "hash",
                    gated.getMetadata().getName(),
                    Instant.now(),
                    "test@host"))
            .orElseThrow();
  }

  private WatchedAttempt caller(StoredRecord seen) {
    return new WatchedAttempt(
        store, seen, w -> {}, RunListener.SILENT, (pod, attempt) -> granted.add(pod));
  }

  private static Pod pod(String name, int secondsAgo, boolean deleting, boolean annotated) {
    return new io.fabric8.kubernetes.api.model.PodBuilder()
        .withNewMetadata()
        .withName(name)
        .withCreationTimestamp(Instant.now().minusSeconds(secondsAgo).toString())
        .withDeletionTimestamp(deleting ? Instant.now().toString() : null)
        .withAnnotations(annotated ? Map.of(StartGate.ANNOTATION, "attempt 1") : null)
        .endMetadata()
        .build();
  }

  private String recorded() {
    return store.read("shop", Phase.PRE, "1.0").orElseThrow().record().startedPod();
  }

  @Test
  @DisplayName("The oldest pod is chosen, recorded, then let through; once only")
  void oldestIsLetThrough() {
    WatchedAttempt caller = caller(claimed);
    List<Pod> pods = List.of(pod("b", 1, false, false), pod("a", 2, false, false));
    caller.recordStart(gated, pods);
    caller.recordStart(gated, pods);
    assertThat(recorded()).isEqualTo("a");
    assertThat(granted).containsExactly("a");
    assertThat(caller.startedPod()).isEqualTo("a");
  }

  @Test
  @DisplayName(
      "A pod being deleted before any caller let it through is passed over, whether it is the"
          + " oldest or the only one")
  void deletedPodsArePassedOver() {
    WatchedAttempt caller = caller(claimed);
    caller.recordStart(gated, List.of(pod("a", 3, true, false)));
    assertThat(granted).isEmpty();
    assertThat(recorded()).isNull();
    caller.recordStart(gated, List.of(pod("a", 3, true, false), pod("b", 1, false, false)));
    assertThat(recorded()).isEqualTo("b");
    // Both may set the annotation on that one pod (each saw it without): the same patch twice
    assertThat(granted).containsOnly("b");
  }

  @Test
  @DisplayName(
      "Callers that see the pods differently (one sees the first pod, one sees only its"
          + " replacement) let one pod through: the one recorded first")
  void racingCallersLetOnePodThrough() {
    WatchedAttempt sawFirst = caller(claimed);
    WatchedAttempt sawReplacement = caller(claimed); // from the same, now stale, record
    sawFirst.recordStart(gated, List.of(pod("a", 2, false, false), pod("b", 1, false, false)));
    // (deleted after it was let through: then every later look at it shows the grant)
    sawReplacement.recordStart(gated, List.of(pod("a", 2, true, true), pod("b", 1, false, false)));
    assertThat(recorded()).isEqualTo("a");
    assertThat(granted).containsExactly("a");
    assertThat(sawReplacement.startedPod()).isEqualTo("a");
    // Whichever way round
    granted.clear();
    store.delete(store.read("shop", Phase.PRE, "1.0").orElseThrow());
    claim();
    sawReplacement = caller(claimed);
    sawFirst = caller(claimed);
    sawReplacement.recordStart(gated, List.of(pod("a", 2, true, false), pod("b", 1, false, false)));
    sawFirst.recordStart(gated, List.of(pod("a", 2, false, false), pod("b", 1, false, false)));
    assertThat(recorded()).isEqualTo("b");
    // Both may set the annotation on that one pod (each saw it without): the same patch twice
    assertThat(granted).containsOnly("b");
  }

  @Test
  @DisplayName(
      "A caller that attaches after the choice finishes the grant if the chooser did not (it was"
          + " killed between the record and the pod), and does nothing if it did")
  void attachedCallerFinishesTheGrant() {
    StoredRecord chosen = store.update(claimed, claimed.record().withStartedPod("a")).orElseThrow();
    caller(chosen).recordStart(gated, List.of(pod("a", 2, false, true)));
    assertThat(granted).isEmpty();
    caller(chosen).recordStart(gated, List.of(pod("a", 2, false, false)));
    assertThat(granted).containsExactly("a");
    // Never the replacement of the chosen pod, once that one was let through
    granted.clear();
    caller(chosen).recordStart(gated, List.of(pod("a", 2, true, true), pod("b", 1, false, false)));
    caller(chosen).recordStart(gated, List.of(pod("b", 1, false, false)));
    assertThat(granted).isEmpty();
    assertThat(recorded()).isEqualTo("a");
  }

  @Test
  @DisplayName(
      "A chosen pod seen being deleted without its grant never started (the kubelet starts nothing"
          + " in a pod being deleted): it is taken out of the record and another pod chosen; one"
          + " seen gone, or deleted with its grant, is not")
  void chosenPodDeletedBeforeItsGrantIsReplacedInTheRecord() {
    StoredRecord chosen = store.update(claimed, claimed.record().withStartedPod("a")).orElseThrow();
    WatchedAttempt caller = caller(chosen);
    List<Pod> pods = List.of(pod("a", 2, true, false), pod("b", 1, false, false));
    caller.recordStart(gated, pods);
    caller.recordStart(gated, pods);
    assertThat(recorded()).isEqualTo("b");
    assertThat(granted).containsExactly("b");
    // Gone before this caller saw it: whether it was let through is not known
    granted.clear();
    store.delete(store.read("shop", Phase.PRE, "1.0").orElseThrow());
    claim();
    chosen = store.update(claimed, claimed.record().withStartedPod("a")).orElseThrow();
    caller = caller(chosen);
    caller.recordStart(gated, List.of(pod("b", 1, false, false)));
    caller.recordStart(gated, List.of(pod("b", 1, false, false)));
    assertThat(recorded()).isEqualTo("a");
    assertThat(granted).isEmpty();
  }

  @Test
  @DisplayName("A grant the API server refused is tried again at the next look")
  void refusedGrantIsTriedAgain() {
    List<String> tries = new ArrayList<>();
    WatchedAttempt caller =
        new WatchedAttempt(
            store,
            claimed,
            w -> {},
            RunListener.SILENT,
            (pod, attempt) -> {
              tries.add(pod);
              if (tries.size() == 1) {
                throw new KubemigrateException(ExitCode.KUBERNETES_API, "connection refused");
              }
            });
    List<Pod> pods = List.of(pod("a", 2, false, false));
    caller.recordStart(gated, pods);
    caller.recordStart(gated, pods);
    caller.recordStart(gated, pods);
    assertThat(tries).containsExactly("a", "a");
  }
}
