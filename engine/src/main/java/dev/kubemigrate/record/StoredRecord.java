package dev.kubemigrate.record;

import dev.kubemigrate.api.RunRecord;

/** A record as read from the cluster, with the resourceVersion that guards its next update. */
public record StoredRecord(RunRecord record, String resourceVersion) {}
