package dev.kubemigrate.cli;

import dev.kubemigrate.api.ExitCode;
import dev.kubemigrate.engine.Kubemigrate;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code kubemigrate start-once --grant-file FILE}: the start gate of a run's pod on Kubernetes
 * before 1.26, as an init container that kubemigrate puts in the Job itself. Waits until the pod's
 * grant annotation, which the downward API writes to FILE, is set: a caller sets it on one pod of
 * the attempt only. Needs no cluster and no permission.
 */
@Command(
    name = "start-once",
    hidden = true,
    header = "In a run's pod: waits until kubemigrate lets this pod start the migration.",
    sortOptions = false,
    description =
        "The init container that kubemigrate adds to a Job that may start one pod, on Kubernetes"
            + " before 1.26: waits until the pod's annotation "
            + "kubemigrate.dev/start-granted, read from --grant-file (a downward API volume),"
            + " is set. Exits 0 then. The Job's deadline bounds the wait.")
final class StartOnceCommand implements Callable<Integer> {

  @Option(
      names = "--grant-file",
      paramLabel = "FILE",
      required = true,
      description = "Where the downward API writes the pod's grant annotation.")
  private Path grantFile;

  @Mixin private HelpOption help;

  @Override
  public Integer call() {
    Clock clock = Clock.systemUTC();
    ConsoleReporter reporter = new ConsoleReporter(System.out, System.err, clock, false);
    AtomicBoolean stopped = new AtomicBoolean();
    Interrupts.onInterrupt(() -> stopped.set(true));
    boolean granted = Kubemigrate.awaitStartGrant(grantFile, clock, reporter, stopped::get);
    System.out.flush();
    return granted ? 0 : ExitCode.INTERRUPTED.code();
  }
}
