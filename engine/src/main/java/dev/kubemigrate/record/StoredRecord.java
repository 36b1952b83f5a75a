package dev.kubemigrate.record;

/** A record as read from the cluster, with the resourceVersion that guards its next update. */
public record StoredRecord(RunRecord record, String resourceVersion) {}
