package dev.kubemigrate.api;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A container image reference, {@code [registry/]repository[:tag][@digest]}, checked against the
 * grammar of Docker's {@code distribution/reference}. The registry is only what the reference
 * names: a reference without one is <em>not</em> expanded to {@code docker.io/library/...}, since
 * the container runtime does that and a Job must carry the image exactly as the user wrote it.
 *
 * @param registry host and optional port, or {@code null} when the reference names none
 * @param repository the path, such as {@code flyway/flyway}
 * @param tag the tag, or {@code null}
 * @param digest the digest, such as {@code sha256:0123...}, or {@code null}
 */
public record ImageReference(String registry, String repository, String tag, String digest) {

  private static final int MAX_NAME_LENGTH = 255;
  private static final int DIGEST_VERSION_HEX_CHARS = 12;

  private static final String DOMAIN_COMPONENT =
      "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
  private static final Pattern REGISTRY =
      Pattern.compile(
          "(?:"
              + DOMAIN_COMPONENT
              + "(?:\\."
              + DOMAIN_COMPONENT
              + ")*|\\[[a-fA-F0-9:]+\\])"
              + "(?::[0-9]+)?");
  private static final String PATH_COMPONENT = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
  private static final Pattern REPOSITORY =
      Pattern.compile(PATH_COMPONENT + "(?:/" + PATH_COMPONENT + ")*");
  private static final Pattern TAG = Pattern.compile("[\\w][\\w.-]{0,127}");
  private static final Pattern DIGEST =
      Pattern.compile("[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}");
  private static final Pattern SHA256_DIGEST = Pattern.compile("sha256:[0-9a-f]{64}");

  /**
   * Parses and validates a reference.
   *
   * @throws KubemigrateException a usage error saying what is wrong with it
   */
  public static ImageReference parse(String reference) {
    if (reference == null || reference.isBlank()) {
      throw KubemigrateException.usage(
          "invalid image '' (--image, spec.image): the image must not be empty");
    }
    String rest = reference;
    String digest = null;
    int at = rest.indexOf('@');
    if (at >= 0) {
      digest = rest.substring(at + 1);
      rest = rest.substring(0, at);
      if (!DIGEST.matcher(digest).matches()
          || (digest.startsWith("sha256:") && !SHA256_DIGEST.matcher(digest).matches())) {
        throw invalid(reference, "the digest must look like sha256:<64 lower-case hex digits>");
      }
    }
    String tag = null;
    int colon = rest.lastIndexOf(':');
    if (colon > rest.lastIndexOf('/')) {
      tag = rest.substring(colon + 1);
      rest = rest.substring(0, colon);
      if (!TAG.matcher(tag).matches()) {
        throw invalid(
            reference,
            "the tag must be letters, digits, '_', '.' and '-', at most 128, not starting with '.'"
                + " or '-'");
      }
    }
    if (rest.length() > MAX_NAME_LENGTH) {
      throw invalid(reference, "the name must be at most " + MAX_NAME_LENGTH + " characters");
    }
    String registry = null;
    int slash = rest.indexOf('/');
    if (slash >= 0 && isRegistry(rest.substring(0, slash))) {
      registry = rest.substring(0, slash);
      rest = rest.substring(slash + 1);
      if (!REGISTRY.matcher(registry).matches()) {
        throw invalid(reference, "'" + registry + "' is not a valid registry host[:port]");
      }
    }
    if (!REPOSITORY.matcher(rest).matches()) {
      throw invalid(
          reference,
          "the repository must be lower-case letters and digits separated by '/', '.', '_' or"
              + " '-'");
    }
    return new ImageReference(registry, rest, tag, digest);
  }

  /** Like {@link #parse}, but empty instead of an error. */
  public static Optional<ImageReference> tryParse(String reference) {
    try {
      return Optional.of(parse(reference));
    } catch (KubemigrateException e) {
      return Optional.empty();
    }
  }

  /**
   * The app version this image stands for when none is given: the tag if there is one, otherwise
   * the digest's algorithm and the first 12 hex digits of its value, such as {@code
   * sha256-0123456789ab} (short, and valid in names and labels as it is); empty if the reference
   * has neither tag nor digest.
   */
  public Optional<String> version() {
    if (tag != null) {
      return Optional.of(tag);
    }
    if (digest != null) {
      int colon = digest.indexOf(':');
      String hex = digest.substring(colon + 1).toLowerCase(Locale.ROOT);
      return Optional.of(
          digest.substring(0, colon).toLowerCase(Locale.ROOT)
              + "-"
              + hex.substring(0, DIGEST_VERSION_HEX_CHARS));
    }
    return Optional.empty();
  }

  /** Registry (if any) and repository, without tag or digest. */
  public String name() {
    return registry == null ? repository : registry + "/" + repository;
  }

  /** The reference as it is written. */
  @Override
  public String toString() {
    return name() + (tag == null ? "" : ":" + tag) + (digest == null ? "" : "@" + digest);
  }

  // Docker's rule: the first path component is a registry if it looks like a host.
  private static boolean isRegistry(String component) {
    return component.contains(".")
        || component.contains(":")
        || component.equals("localhost")
        || !component.toLowerCase(Locale.ROOT).equals(component);
  }

  private static KubemigrateException invalid(String reference, String reason) {
    return KubemigrateException.usage(
        "invalid image '%s' (--image, spec.image): %s", reference, reason);
  }
}
