package dev.kubemigrate.job;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonInclude.Include;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.kubemigrate.api.MigrationSpec;
import dev.kubemigrate.names.Hashing;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A fingerprint of what a migration does, to refuse running the same version again with a different
 * image or spec (exit 6).
 *
 * <p>It covers the image, command, args, env, envFrom, service account, resources, node selector,
 * tolerations, image pull secrets, pod template and compatibleFrom. It leaves out the identity
 * (app, phase, version) and whatever only says how patiently the same thing is run (timeout,
 * retries, startup grace, TTL, pull policy, the rollout to wait for), so a retry with a longer
 * timeout is not a conflict. Object properties and map entries are sorted before hashing, so the
 * order of keys in a file does not matter; the order of lists (env, args) does, because it changes
 * what runs.
 */
public final class SpecHash {

  /** Hex characters kept of the SHA-256. */
  public static final int LENGTH = 16;

  // Bumped whenever the canonical form changes, so old and new hashes cannot be confused.
  private static final String FORMAT = "kubemigrate-spec-hash/v1\n";

  private static final ObjectMapper CANONICAL =
      JsonMapper.builder()
          .enable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
          .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
          .defaultPropertyInclusion(
              JsonInclude.Value.construct(Include.NON_EMPTY, Include.NON_EMPTY))
          .build();

  private SpecHash() {}

  /** The first {@value #LENGTH} hex digits of the SHA-256 of the spec's canonical form. */
  public static String of(MigrationSpec spec) {
    return Hashing.sha256Hex(FORMAT + canonical(spec), LENGTH);
  }

  /** The canonical JSON that is hashed; visible for tests and for explaining a conflict. */
  static String canonical(MigrationSpec spec) {
    Map<String, Object> parts = new LinkedHashMap<>();
    parts.put("image", spec.image());
    parts.put("command", spec.command());
    parts.put("args", spec.args());
    parts.put("env", spec.env());
    parts.put("envFrom", spec.envFrom());
    parts.put("serviceAccountName", spec.serviceAccountName());
    parts.put("resources", spec.resources());
    parts.put("nodeSelector", spec.nodeSelector());
    parts.put("tolerations", spec.tolerations());
    parts.put("imagePullSecrets", spec.imagePullSecrets());
    parts.put("podTemplate", spec.podTemplate());
    // What the contract leaves the schema compatible with is part of what it does; absent, the
    // hash is what it was before the field existed.
    parts.put("compatibleFrom", spec.compatibleFrom());
    try {
      // Plain maps first: then every level is sorted, the fabric8 objects' additional properties
      // included.
      return CANONICAL.writeValueAsString(CANONICAL.convertValue(parts, Object.class));
    } catch (JsonProcessingException | IllegalArgumentException e) {
      throw new IllegalStateException("cannot serialize the migration spec", e);
    }
  }
}
