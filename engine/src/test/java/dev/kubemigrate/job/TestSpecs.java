package dev.kubemigrate.job;

import dev.kubemigrate.api.MigrationSpec;
import io.fabric8.kubernetes.api.model.EnvVar;
import java.util.List;

/** Specs shared by the tests of this package. */
public final class TestSpecs {

  private TestSpecs() {}

  /** A valid spec with a few values set, as {@code run --app shop --image ...} would give. */
  public static MigrationSpec.Builder shop() {
    return MigrationSpec.builder()
        .app("shop")
        .image("kubemigrate.local/flyway:11.8.2")
        .args(List.of("migrate"))
        .env(
            List.of(
                new EnvVar("FLYWAY_URL", "jdbc:postgresql://db:5432/shop", null),
                new EnvVar("FLYWAY_PASSWORD", "s3cret", null)));
  }
}
