package dev.kubemigrate.e2e;

import java.util.EnumSet;
import java.util.Set;

/**
 * One kind of fault the fault suite ({@link FaultsIT}) injects, and the modes it applies to. Every
 * fault hits only what the suite itself started: its own kubemigrate processes and pods, the local
 * cluster's components (by the PIDs {@code scripts/local-cluster} recorded), the traffic of its own
 * callers to the API server.
 */
enum Fault {
  /** SIGKILL of one {@code run} process; a new {@code run} of the same version follows. */
  SIGKILL_RUN(Mode.RUN),
  /** SIGTERM of one {@code run} process (a pipeline cancelled); a new {@code run} follows. */
  SIGTERM_RUN(Mode.RUN),
  /** kube-apiserver stopped and started again. */
  APISERVER_RESTART(Mode.RUN, Mode.EXEC, Mode.OPERATOR),
  /** etcd stopped and started again, under a running API server. */
  ETCD_RESTART(Mode.RUN, Mode.EXEC, Mode.OPERATOR),
  /** The suite's callers' packets to the API server dropped for 5 to 30 s (iptables). */
  NETWORK_CUT(Mode.RUN),
  /** kubelet restarted while the migration's container runs (containers live on). */
  KUBELET_RESTART(Mode.RUN, Mode.EXEC, Mode.OPERATOR),
  /** containerd restarted while the migration's container runs (its shims live on). */
  CONTAINERD_RESTART(Mode.RUN, Mode.EXEC, Mode.OPERATOR),
  /** The migration's pod deleted (a drain, a person), as `kubectl delete pod` does. */
  DELETE_POD(Mode.RUN, Mode.OPERATOR),
  /** The migration's Job deleted while the callers, and an `await`, wait for it. */
  DELETE_JOB(Mode.RUN, Mode.OPERATOR),
  /** The replica that holds the app's lock killed (deleted with no grace period). */
  KILL_LOCK_HOLDER(Mode.EXEC),
  /** The operator's leader pod killed (deleted with no grace period); the other replica leads. */
  KILL_OPERATOR_LEADER(Mode.OPERATOR);

  /** How the migration is started in a trial. */
  enum Mode {
    /** Two concurrent {@code run}s and an {@code await}, from this machine, as pipelines do. */
    RUN,
    /** Two replicas running {@code exec} in their init container, as an app's pods do. */
    EXEC,
    /** A Migration under two operator replicas, and an {@code await}, as GitOps does. */
    OPERATOR
  }

  final Set<Mode> modes;

  Fault(Mode first, Mode... more) {
    this.modes = EnumSet.of(first, more);
  }
}
