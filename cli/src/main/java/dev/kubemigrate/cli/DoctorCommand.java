package dev.kubemigrate.cli;

import dev.kubemigrate.api.ExitCode;
import dev.kubemigrate.api.KubemigrateException;
import dev.kubemigrate.api.MigrationSpec;
import dev.kubemigrate.api.PreflightMode;
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
    header =
        "Checks the permissions each mode needs, and a migration's pre-flight, creating nothing.",
    footerHeading = "%nExamples:%n",
    footer = {"  kubemigrate doctor -n shop", "  kubemigrate doctor -n shop -f migration.yaml"},
    sortOptions = false,
    description =
        "Checks, with SelfSubjectAccessReviews, the permissions each mode needs in the namespace "
            + "and names any that are missing (exit 5). deploy/rbac has a Role per mode that grants them. "
            + "Given a migration (-f FILE, or run's flags), also runs its pre-flight without creating "
            + "anything, and names every problem that would stop it (exit 3).")
final class DoctorCommand implements Callable<Integer> {

  @Option(
      names = "--mode",
      paramLabel = "run|await|exec|operator",
      split = ",",
      description = "The modes to check (default: run, await, exec).")
  private List<String> modes;

  @Mixin private ClusterOptions cluster;

  @Mixin private MigrationOptions migration;

  @Option(
      names = "--preflight",
      paramLabel = "auto|strict",
      description =
          "With a migration (-f FILE, or --app, --image...): how its pre-flight treats a check this"
              + " identity may not make (default auto: skip it and say so).")
  private String preflightMode;

  @Mixin private HelpOption help;

  private MigrationSpec spec;
  private boolean strict;

  @Override
  public Integer call() {
    if (migration.given()) {
      // Checked before the cluster is touched, as run checks it.
      spec = migration.toSpec();
      strict =
          (preflightMode == null
                  ? migration.preflightFromFile()
                  : PreflightMode.parse(preflightMode, "--preflight"))
              == PreflightMode.STRICT;
      if ("off".equals(preflightMode)) {
        throw KubemigrateException.usage(
            "invalid --preflight 'off' for doctor: use auto or strict (doctor runs the pre-flight)");
      }
    } else if (preflightMode != null) {
      throw KubemigrateException.usage(
          "--preflight %s needs a migration to check: -f FILE, or --app, --version and --image",
          preflightMode);
    }
    List<Mode> selected =
        modes == null || modes.isEmpty()
            ? List.of(Mode.RUN, Mode.AWAIT, Mode.EXEC)
            : modes.stream().map(DoctorCommand::mode).toList();
    try (ClusterOptions.Connected connected =
        cluster.connect(migration.given() ? migration.namespaceFromFile() : null)) {
      // Access reviews answer "allowed" for a namespace that does not exist: ask first.
      new Kubemigrate(connected.client(), java.time.Clock.systemUTC())
          .requireNamespace(connected.namespace());
      List<Doctor.Check> checks =
          new Doctor(connected.client()).check(connected.namespace(), selected);
      System.out.printf(
          "namespace %s at %s%n", connected.namespace(), connected.client().getMasterUrl());
      for (Mode mode : selected) {
        List<Doctor.Check> missing =
            checks.stream().filter(c -> c.mode() == mode && !c.allowed() && !c.optional()).toList();
        List<Doctor.Check> skips =
            checks.stream().filter(c -> c.mode() == mode && !c.allowed() && c.optional()).toList();
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
        if (!skips.isEmpty()) {
          System.out.printf(
              "%-6s optional, not granted (the pre-flight skips what needs them; --after needs the"
                  + " apps ones): %s%n",
              "",
              skips.stream().map(c -> c.permission().toString()).collect(Collectors.joining(", ")));
        }
      }
      int problems = migration.given() ? preflight(connected) : 0;
      if (checks.stream().anyMatch(c -> !c.allowed() && !c.optional())) {
        throw new KubemigrateException(
            ExitCode.KUBERNETES_API,
            "permissions are missing in namespace " + connected.namespace());
      }
      if (problems > 0) {
        throw new KubemigrateException(
            ExitCode.COULD_NOT_START,
            problems
                + (problems == 1 ? " problem" : " problems")
                + " would stop this migration before it starts");
      }
      return 0;
    }
  }

  /**
   * The pre-flight of the migration the options describe, as {@code run} would make it, printed;
   * returns how many problems it found.
   */
  private int preflight(ClusterOptions.Connected connected) {
    Kubemigrate.Preflighted result =
        Kubemigrate.preflight(connected.client(), spec, connected.namespace(), strict);
    if (!result.skipped().isEmpty()) {
      System.out.println("pre-flight skipped: " + String.join(", ", result.skipped()));
    }
    result.warnings().forEach(w -> System.out.println("pre-flight warning: " + w));
    if (result.problems().isEmpty()) {
      System.out.printf(
          "pre-flight ok: %s %s (%s) can start in namespace %s%n",
          spec.app(), spec.version(), spec.phase().label(), connected.namespace());
      return 0;
    }
    for (String problem : result.problems()) {
      System.out.println("pre-flight problem: " + problem);
    }
    return result.problems().size();
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
