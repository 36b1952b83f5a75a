package dev.kubemigrate.cli;

import dev.kubemigrate.api.MigrationSpec;
import dev.kubemigrate.engine.Kubemigrate;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.PrintWriter;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code kubemigrate render}: prints, as YAML, the Job that {@code run} would create for the first
 * attempt, with secret-looking env values redacted. Touches no cluster, so it works without one: to
 * review a migration, or to hand the Job to another tool.
 */
@Command(
    name = "render",
    header = "Prints the Job that run would create, as YAML, without touching a cluster.",
    footerHeading = "%nExamples:%n",
    footer = {
      "  kubemigrate render --app shop --version 1.4.0 --image registry.example/shop-migrations:1.4.0",
      "  kubemigrate render -f migration.yaml > job.yaml"
    },
    sortOptions = false,
    description =
        "Prints the Job that 'kubemigrate run' would create, as YAML, without touching a cluster. "
            + "Values of secret-looking env vars (PASSWORD, TOKEN, SECRET, ...) are redacted.")
final class RenderCommand implements Callable<Integer> {

  @Mixin private MigrationOptions migration;

  @Mixin private ClusterOptions cluster;

  @Mixin private HelpOption help;

  @Spec private CommandSpec spec;

  private final KubernetesSerialization serialization;

  // Printed as kubectl prints YAML (KubectlYaml): plain strings bare, quotes only where a reader
  // would take a value such as 0755, 1e3, 1:20 or yes for a number or a boolean.
  RenderCommand() {
    this(new KubernetesSerialization());
  }

  RenderCommand(KubernetesSerialization serialization) {
    this.serialization = serialization;
  }

  @Override
  public Integer call() {
    MigrationSpec migrationSpec = migration.toSpec();
    String namespace = cluster.namespace().orElse(migration.namespaceFromFile());
    Job job = Kubemigrate.renderJob(migrationSpec, namespace);
    Set<String> redacted = Kubemigrate.secretEnvNames(job);

    PrintWriter out = spec.commandLine().getOut();
    if (!redacted.isEmpty()) {
      out.println(
          "# Values of secret-looking env vars are redacted: " + String.join(", ", redacted));
    }
    out.print(KubectlYaml.write(serialization.convertValue(Kubemigrate.redacted(job), Map.class)));
    out.flush();
    return 0;
  }
}
