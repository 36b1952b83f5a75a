package dev.kubemigrate.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubemigrate.doctor.Permissions.Mode;
import dev.kubemigrate.doctor.Permissions.Permission;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class PermissionsTest {

  @ParameterizedTest
  @EnumSource(Mode.class)
  void shippedRoleGrantsExactlyWhatDoctorChecks(Mode mode) throws Exception {
    // Given the mode's Role as shipped under deploy/rbac (the operator's ClusterRole:
    // deploy/operator)
    Path file =
        mode == Mode.OPERATOR
            ? Path.of("..", "deploy", "operator", "operator.yaml")
            : Path.of("..", "deploy", "rbac", mode.label() + ".yaml");
    Set<Permission> granted = new HashSet<>();
    try (InputStream in = Files.newInputStream(file)) {
      List<HasMetadata> objects = Serialization.unmarshal(in);
      objects.stream()
          .flatMap(
              o ->
                  o instanceof Role r
                      ? r.getRules().stream()
                      : o instanceof ClusterRole c ? c.getRules().stream() : Stream.empty())
          .forEach(
              rule ->
                  rule.getApiGroups()
                      .forEach(
                          g ->
                              rule.getResources()
                                  .forEach(
                                      res ->
                                          rule.getVerbs()
                                              .forEach(
                                                  v -> granted.add(new Permission(g, res, v))))));
    }
    // Then it is the very list doctor checks: nothing missing, nothing more; run and the operator
    // grant the pre-flight's reads too
    List<Permission> expected = new java.util.ArrayList<>(Permissions.of(mode));
    expected.addAll(Permissions.optional(mode));
    assertThat(granted).containsExactlyInAnyOrderElementsOf(expected);
  }
}
