package dev.kubemigrate.e2e;

/** A namespace of the local cluster that belongs to one test and is deleted after it. */
public record TestNamespace(String name) {}
