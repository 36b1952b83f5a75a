package dev.kubemigrate.e2e;

/** The images that scripts/build-images builds and scripts/local-cluster loads into the node. */
final class Images {
  static final String BUSYBOX = "kubemigrate.local/busybox:1.35";
  static final String FLYWAY = "kubemigrate.local/flyway:11.8.2";
  static final String KUBEMIGRATE = "kubemigrate.local/kubemigrate:latest";
  static final String FLYWAY_KUBEMIGRATE = "kubemigrate.local/flyway-kubemigrate:11.8.2";

  private Images() {}
}
