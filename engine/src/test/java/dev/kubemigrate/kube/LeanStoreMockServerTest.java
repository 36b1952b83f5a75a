package dev.kubemigrate.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kubemigrate.job.Labels;
import dev.kubemigrate.run.JobWatches;
import dev.kubemigrate.run.SharedJobWatches;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.FieldsV1;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LimitRangeBuilder;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntryBuilder;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.ResourceQuotaBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The operator's informers keep their objects without managedFields: every kind its shared reads
 * and shared Job watches cache, each created on the CRUD mock server with the field set, comes out
 * of the cache without it and with the rest (labels, spec, status) whole.
 */
@EnableKubernetesMockClient(crud = true)
class LeanStoreMockServerTest {

  private static final String NS = "test";

  KubernetesClient client;

  @Test
  @DisplayName("Quotas, LimitRanges, nodes, Leases and floors are cached without managedFields")
  void sharedReadsAreLean() {
    client
        .resourceQuotas()
        .inNamespace(NS)
        .resource(heavy(new ResourceQuotaBuilder(), "q"))
        .create();
    client.limitRanges().inNamespace(NS).resource(heavy(new LimitRangeBuilder(), "lr")).create();
    client.nodes().resource(heavy(new NodeBuilder(), "n1")).create();
    var lease = heavy(new LeaseBuilder(), "lock");
    lease.getMetadata().getLabels().put(Labels.MANAGED_BY, Labels.MANAGED_BY_VALUE);
    client.leases().inNamespace(NS).resource(lease).create();
    var floor = heavy(new ConfigMapBuilder(), "floor");
    floor.getMetadata().getLabels().put(SharedReads.FLOOR_LABEL, "true");
    floor.setData(Map.of("floor", "3"));
    client.configMaps().inNamespace(NS).resource(floor).create();
    assertThat(client.configMaps().inNamespace(NS).withName("floor").get().getMetadata())
        .extracting(ObjectMeta::getManagedFields)
        .asList()
        .as("the server keeps the field: what the cache drops is not dropped before it")
        .hasSize(1);

    try (SharedReads reads = SharedReads.informed(client, List.of())) {
      assertLean(reads.quotas().get(NS, "q"));
      assertLean(reads.limitRanges().get(NS, "lr"));
      assertLean(reads.nodes().get(null, "n1"));
      assertLean(reads.leases().get(NS, "lock"));
      var cached = reads.floors().get(NS, "floor");
      assertLean(cached);
      assertThat(cached.getData()).containsEntry("floor", "3");

      // An update that reaches the cache through the watch is lean too.
      client.configMaps().inNamespace(NS).withName("floor").edit(cm -> withData(cm, "4"));
      await().until(() -> "4".equals(reads.floors().get(NS, "floor").getData().get("floor")));
      assertLean(reads.floors().get(NS, "floor"));
    }
  }

  @Test
  @DisplayName("The shared Job and pod informers cache their objects without managedFields")
  void sharedJobWatchesAreLean() {
    var job = heavy(new JobBuilder(), "j1");
    job.getMetadata().getLabels().put(Labels.MANAGED_BY, Labels.MANAGED_BY_VALUE);
    client.batch().v1().jobs().inNamespace(NS).resource(job).create();
    var pod = heavy(new PodBuilder(), "j1-abc");
    pod.getMetadata()
        .getLabels()
        .putAll(Map.of(Labels.MANAGED_BY, Labels.MANAGED_BY_VALUE, "job-name", "j1"));
    client.pods().inNamespace(NS).resource(pod).create();

    try (SharedJobWatches watches = new SharedJobWatches(client, List.of(NS));
        JobWatches.View view = watches.open(NS, "j1", new ChangeSignal())) {
      await().until(() -> view.job() != null && view.pods().size() == 1);
      assertLean(view.job());
      assertLean(view.pods().get(0));
      assertThat(view.pods().get(0).getMetadata().getLabels()).containsEntry("job-name", "j1");
    }
  }

  @Test
  @DisplayName("LeanStore.lean drops the field in place and passes null and metadata-less objects")
  void leanOfEdgeCases() {
    assertThat(LeanStore.lean((HasMetadata) null)).isNull();
    var bare = new io.fabric8.kubernetes.api.model.ConfigMap();
    assertThat(LeanStore.lean(bare)).isSameAs(bare);
    var cm = heavy(new ConfigMapBuilder(), "x");
    assertThat(LeanStore.lean(cm)).isSameAs(cm);
    assertThat(cm.getMetadata().getManagedFields()).isNull();
    assertThat(cm.getMetadata().getLabels()).containsEntry("kept", "yes");
  }

  private static io.fabric8.kubernetes.api.model.ConfigMap withData(
      io.fabric8.kubernetes.api.model.ConfigMap cm, String value) {
    cm.setData(Map.of("floor", value));
    return cm;
  }

  private static void assertLean(HasMetadata cached) {
    assertThat(cached).as("cached").isNotNull();
    assertThat(cached.getMetadata().getManagedFields())
        .as("managedFields of cached %s", cached.getMetadata().getName())
        .isNullOrEmpty();
    assertThat(cached.getMetadata().getLabels()).containsEntry("kept", "yes");
  }

  /** A builder's object named {@code name} with a label and one managedFields entry. */
  @SuppressWarnings("unchecked")
  private static <T extends HasMetadata> T heavy(
      io.fabric8.kubernetes.api.builder.VisitableBuilder<T, ?> builder, String name) {
    T obj = builder.build();
    FieldsV1 fields = new FieldsV1();
    fields.setAdditionalProperty("f:metadata", Map.of("f:labels", Map.of()));
    ManagedFieldsEntry entry =
        new ManagedFieldsEntryBuilder()
            .withManager("kube-controller-manager")
            .withOperation("Update")
            .withApiVersion("v1")
            .withFieldsType("FieldsV1")
            .withFieldsV1(fields)
            .build();
    ObjectMeta meta = new ObjectMeta();
    meta.setName(name);
    meta.setLabels(new java.util.HashMap<>(Map.of("kept", "yes")));
    meta.setManagedFields(List.of(entry));
    obj.setMetadata(meta);
    return obj;
  }
}
