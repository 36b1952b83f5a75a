package dev.kubemigrate.migration;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.PrinterColumn;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.List;

/**
 * What the operator reports on a {@code Migration}: the run's record (state, Job, times, reason,
 * log tail) and kstatus conditions, so Argo CD, Flux and {@code kubectl wait --for=condition=Ready}
 * understand it.
 *
 * @param phase Pending, Running, Succeeded or Failed
 * @param observedGeneration the generation of the spec this status is about
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record MigrationStatus(
    @PrinterColumn(name = "Phase")
        @JsonPropertyDescription("Pending, Running, Succeeded or Failed.")
        String phase,
    Long observedGeneration,
    List<Condition> conditions,
    @JsonPropertyDescription("The version being migrated, once resolved.") String version,
    @PrinterColumn(name = "Reason") String reason,
    String message,
    Integer attempt,
    String jobName,
    String startedAt,
    String finishedAt,
    String startedBy,
    Integer exitCode,
    String record,
    @JsonPropertyDescription("The last lines of the migration's log.") String logTail,
    @JsonPropertyDescription("Where the schema stood before the run, as the migration tool said.")
        String schemaBefore,
    @JsonPropertyDescription("Where the schema stands after the run, as the migration tool said.")
        String schemaAfter) {

  /** The condition of this type ({@code Ready}, {@code Reconciling}, {@code Stalled}), or null. */
  public Condition condition(String type) {
    return conditions == null
        ? null
        : conditions.stream().filter(c -> type.equals(c.getType())).findFirst().orElse(null);
  }
}
