package dev.kubemigrate.cli;

import dev.kubemigrate.api.ExitCode;
import dev.kubemigrate.api.KubemigrateException;
import dev.kubemigrate.doctor.Doctor;
import dev.kubemigrate.doctor.Permissions.Mode;
import dev.kubemigrate.engine.Kubemigrate;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code kubemigrate doctor}: may this identity do what each mode needs here? Names what is not.
 */
@Command(
    name = "doctor",
    sortOptions = false,
    description = {
      "Checks, with SelfSubjectAccessReviews, the permissions each mode needs in the namespace",
      "and names any that are missing (exit 5). deploy/rbac has a Role per mode that grants them."
    })
final class DoctorCommand implements Callable<Integer> {

  @Option(
      names = "--mode",
      paramLabel = "run|await|exec|operator",
      split = ",",
      description = "The modes to check (default: run, await, exec).")
  private List<String> modes;

  @Mixin private ClusterOptions cluster;

  @Mixin private HelpOption help;

  @Override
  public Integer call() {
    List<Mode> selected =
        modes == null || modes.isEmpty()
            ? List.of(Mode.RUN, Mode.AWAIT, Mode.EXEC)
            : modes.stream().map(DoctorCommand::mode).toList();
    try (ClusterOptions.Connected connected = cluster.connect(null)) {
      // Access reviews answer "allowed" for a namespace that does not exist: ask first.
      new Kubemigrate(connected.client(), java.time.Clock.systemUTC())
          .requireNamespace(connected.namespace());
      List<Doctor.Check> checks =
          new Doctor(connected.client()).check(connected.namespace(), selected);
      System.out.printf(
          "namespace %s at %s%n", connected.namespace(), connected.client().getMasterUrl());
      for (Mode mode : selected) {
        List<Doctor.Check> missing =
            checks.stream().filter(c -> c.mode() == mode && !c.allowed()).toList();
        System.out.printf(
            "%-6s %s%n",
            mode.label(),
            missing.isEmpty()
                ? "ok"
                : "MISSING: "
                    + missing.stream()
                        .map(c -> c.permission().toString())
                        .collect(Collectors.joining(", "))
                    + "  (see "
                    + (mode == Mode.OPERATOR
                        ? "deploy/operator/operator.yaml"
                        : "deploy/rbac/" + mode.label() + ".yaml")
                    + ")");
      }
      if (checks.stream().anyMatch(c -> !c.allowed())) {
        throw new KubemigrateException(
            ExitCode.KUBERNETES_API,
            "permissions are missing in namespace " + connected.namespace());
      }
      return 0;
    }
  }

  private static Mode mode(String name) {
    try {
      return Mode.valueOf(name.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw KubemigrateException.usage(
          "invalid --mode '%s': use run, await, exec or operator", name);
    }
  }
}
