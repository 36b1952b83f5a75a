package dev.kubemigrate.api;

import io.fabric8.kubernetes.api.model.ConfigMap;
import java.util.Optional;

/**
 * Run records as an informer already holds them (the operator's), so that the engine reads them
 * without asking the API server. A cache can be behind: the engine still writes every record with a
 * compare-and-set, and once a write loses a race it reads from the API server again.
 */
public interface RecordCache {

  /** The record ConfigMap {@code namespace/name}, as last seen. */
  Optional<ConfigMap> get(String namespace, String name);
}
