package dev.kubemigrate.e2e;

/** The images that scripts/build-images builds and scripts/local-cluster loads into the node. */
final class Images {
  static final String BUSYBOX = "kubemigrate.local/busybox:1.35";
  static final String FLYWAY = "kubemigrate.local/flyway:11.8.2";
  static final String KUBEMIGRATE = "kubemigrate.local/kubemigrate:latest";
  static final String FLYWAY_KUBEMIGRATE = "kubemigrate.local/flyway-kubemigrate:11.8.2";

  /** Liquibase 4.33.0's CLI with examples/liquibase/changelog, and kubemigrate. */
  static final String LIQUIBASE_KUBEMIGRATE = "kubemigrate.local/liquibase-kubemigrate:4.33.0";

  /** psql, kubemigrate and busybox: built by {@code build-images faults}, for FaultsIT only. */
  static final String PSQL_KUBEMIGRATE = "kubemigrate.local/psql-kubemigrate:15";

  private Images() {}
}
