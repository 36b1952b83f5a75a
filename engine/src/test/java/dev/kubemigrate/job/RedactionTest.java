package dev.kubemigrate.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import dev.kubemigrate.api.MigrationSpec;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RedactionTest {

  @ParameterizedTest
  @ValueSource(
      strings = {
        "PASSWORD",
        "FLYWAY_PASSWORD",
        "db_passwd",
        "AWS_SECRET_ACCESS_KEY",
        "GITHUB_TOKEN",
        "GOOGLE_APPLICATION_CREDENTIALS",
        "ApiKey",
        "STRIPE_API_KEY",
        "PRIVATE_KEY",
        "DB_PASS",
        "MYSQL_PWD",
        "PGPASSFILE_CONTENT",
        "BASIC_AUTH",
        "JWT_SIGNING_KEY",
        "KEY"
      })
  @DisplayName("env var names that look secret, in any case, are secret")
  void recognisesSecretNames(String name) {
    // Given the name
    // When / Then
    assertThat(Redaction.isSecretName(name)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"FLYWAY_URL", "FLYWAY_USER", "PGHOST", "KEY_ID", "LOG_LEVEL"})
  @DisplayName("other env var names are not secret")
  void leavesOtherNames(String name) {
    // Given the name
    // When / Then
    assertThat(Redaction.isSecretName(name)).isFalse();
  }

  @ParameterizedTest
  @org.junit.jupiter.params.provider.CsvSource(
      delimiter = '|',
      value = {
        "postgres://app:sekret@db:5432/shop | postgres://app:<redacted>@db:5432/shop",
        "mysql://root:p%40ss@mariadb/shop | mysql://root:<redacted>@mariadb/shop",
        "jdbc:postgresql://db/shop?user=app&password=sekret&ssl=true"
            + " | jdbc:postgresql://db/shop?user=app&password=<redacted>&ssl=true",
        "jdbc:sqlserver://db;user=app;password=sekret;encrypt=true"
            + " | jdbc:sqlserver://db;user=app;password=<redacted>;encrypt=true",
        "host=db user=app password=sekret dbname=shop | host=db user=app password=<redacted>"
            + " dbname=shop",
        "https://user:tok@git.example/repo.git | https://user:<redacted>@git.example/repo.git"
      })
  @DisplayName("a value that carries a credential (URL user info, password=) is masked there only")
  void masksCredentialsInValues(String value, String shown) {
    // Given a variable whose name does not look secret
    // When / Then
    assertThat(Redaction.redactedValue("DB_URL", value)).isEqualTo(shown);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "postgres://app@db/shop",
        "jdbc:postgresql://db:5432/shop?user=app",
        "https://example.com/a:b@c",
        "plain"
      })
  @DisplayName("a value without a credential is printed as it is")
  void leavesValuesWithoutCredentials(String value) {
    assertThat(Redaction.redactedValue("DB_URL", value)).isEqualTo(value);
  }

  @Test
  @DisplayName("masks secret values in every container and leaves the Job it was given alone")
  void masksSecretValuesInACopy() {
    // Given
    MigrationSpec spec =
        TestSpecs.shop()
            .podTemplate(
                new PodTemplateSpecBuilder()
                    .withNewSpec()
                    .addNewInitContainer()
                    .withName("wait")
                    .withImage("busybox")
                    .addNewEnv()
                    .withName("DB_TOKEN")
                    .withValue("t0ken")
                    .endEnv()
                    .endInitContainer()
                    .endSpec()
                    .build())
            .putEnv("API_KEY", "k3y")
            .putEnv("SECRET_FROM_REF", null)
            .build();
    Job job = new JobFactory().build(spec, "shop", 1);

    // When
    Job redacted = Redaction.redacted(job);

    // Then
    assertThat(env(redacted.getSpec().getTemplate().getSpec().getContainers().get(0)))
        .extracting(EnvVar::getName, EnvVar::getValue)
        .containsExactly(
            tuple("FLYWAY_URL", "jdbc:postgresql://db:5432/shop"),
            tuple("FLYWAY_PASSWORD", "<redacted>"),
            tuple("API_KEY", "<redacted>"),
            tuple("SECRET_FROM_REF", null));
    assertThat(env(redacted.getSpec().getTemplate().getSpec().getInitContainers().get(0)))
        .extracting(EnvVar::getValue)
        .containsExactly("<redacted>");
    assertThat(env(job.getSpec().getTemplate().getSpec().getContainers().get(0)))
        .extracting(EnvVar::getValue)
        .contains("s3cret", "k3y");
    assertThat(Redaction.secretEnvNames(job))
        .containsExactly("DB_TOKEN", "FLYWAY_PASSWORD", "API_KEY");
    assertThat(Redaction.secretEnvNames(redacted))
        .containsExactly("DB_TOKEN", "FLYWAY_PASSWORD", "API_KEY");
  }

  @Test
  @DisplayName("keeps valueFrom references: they say where a secret is, not what it is")
  void keepsValueFromReferences() {
    // Given
    EnvVar fromSecret =
        new EnvVarBuilder()
            .withName("DB_PASSWORD")
            .withNewValueFrom()
            .withNewSecretKeyRef()
            .withName("db")
            .withKey("password")
            .endSecretKeyRef()
            .endValueFrom()
            .build();
    Job job = new JobFactory().build(TestSpecs.shop().env(List.of(fromSecret)).build(), null, 1);

    // When
    Job redacted = Redaction.redacted(job);

    // Then
    EnvVar var = redacted.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().get(0);
    assertThat(var.getValue()).isNull();
    assertThat(var.getValueFrom().getSecretKeyRef().getName()).isEqualTo("db");
    assertThat(Redaction.secretEnvNames(job)).isEmpty();
  }

  @Test
  @DisplayName("a Job without secrets comes back equal")
  void leavesJobWithoutSecretsEqual() {
    // Given
    Job job =
        new JobFactory()
            .build(TestSpecs.shop().env(List.of(new EnvVar("A", "1", null))).build(), "ns", 1);

    // When
    Job redacted = Redaction.redacted(job);

    // Then
    assertThat(redacted).isEqualTo(job).isNotSameAs(job);
  }

  private static List<EnvVar> env(Container container) {
    return container.getEnv();
  }
}
