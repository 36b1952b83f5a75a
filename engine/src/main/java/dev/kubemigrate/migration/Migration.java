package dev.kubemigrate.migration;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * A migration that GitOps applies: {@code kubemigrate operator} runs it once per (app, phase,
 * version) with the same engine as {@code kubemigrate run}, and reports in its status with kstatus
 * conditions ({@code Ready}, {@code Reconciling}, {@code Stalled}).
 */
@Group(Migration.GROUP)
@Version(Migration.VERSION)
@ShortNames("mig")
@AdditionalPrinterColumn(
    name = "Age",
    jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
public class Migration extends CustomResource<MigrationResourceSpec, MigrationStatus>
    implements Namespaced {

  public static final String GROUP = "kubemigrate.dev";
  public static final String VERSION = "v1alpha1";
  public static final String API_VERSION = GROUP + "/" + VERSION;
  public static final String KIND = "Migration";
  public static final String CRD_NAME = "migrations." + GROUP;
}
