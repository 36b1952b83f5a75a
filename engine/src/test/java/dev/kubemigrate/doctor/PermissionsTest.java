package dev.kubemigrate.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubemigrate.doctor.Permissions.Mode;
import dev.kubemigrate.doctor.Permissions.Permission;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class PermissionsTest {

  @ParameterizedTest
  @EnumSource(Mode.class)
  void shippedRoleGrantsExactlyWhatDoctorChecks(Mode mode) throws Exception {
    // Given the mode's Role as shipped under deploy/rbac
    Path file = Path.of("..", "deploy", "rbac", mode.label() + ".yaml");
    Set<Permission> granted = new HashSet<>();
    try (InputStream in = Files.newInputStream(file)) {
      List<HasMetadata> objects = Serialization.unmarshal(in);
      objects.stream()
          .filter(o -> o instanceof Role)
          .map(o -> (Role) o)
          .flatMap(r -> r.getRules().stream())
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
    // Then it is the very list doctor checks: nothing missing, nothing more
    assertThat(granted).containsExactlyInAnyOrderElementsOf(Permissions.of(mode));
  }
}
