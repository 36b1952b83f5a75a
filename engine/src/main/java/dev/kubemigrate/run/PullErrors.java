package dev.kubemigrate.run;

import dev.kubemigrate.api.Reason;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Which image pull errors no wait can fix, from the words the runtime reports them in: the image or
 * tag does not exist, access to it is denied, or the registry's host does not resolve. Any other
 * pull error (a timeout, a refused connection, a 5xx) may be passing and waits out the startup
 * grace. Pure. The shapes are containerd's (1.6–2.x: {@code failed to pull and unpack image …}),
 * CRI-O's (containers/image) and Docker's (dockershim, cri-dockerd).
 */
final class PullErrors {

  private record Rule(Reason reason, Pattern pattern) {}

  private static final List<Rule> RULES =
      List.of(
          // A host that does not resolve: "dial tcp: lookup reg.example on 10.96.0.10:53: no such
          // host" (Go's resolver), "Temporary failure in name resolution" is not hopeless.
          rule(Reason.REGISTRY_HOST_NOT_FOUND, "no such host"),
          // Access denied: registries answer 401 or 403, or say it in words.
          rule(
              Reason.IMAGE_PULL_DENIED,
              "401 unauthorized|403 forbidden|unauthorized: |authentication required"
                  + "|requested access to the resource is denied|pull access denied|denied: "
                  + "|failed to authorize|insufficient_scope|incorrect username or password"),
          // The repository or tag does not exist.
          rule(
              Reason.IMAGE_NOT_FOUND,
              ": not found$|: not found[;,: ]|manifest unknown|name unknown|repository does not"
                  + " exist|404 not found|manifest for .* not found"));

  private PullErrors() {}

  private static Rule rule(Reason reason, String regex) {
    return new Rule(reason, Pattern.compile(regex));
  }

  /** The hopeless reason {@code message} (an ErrImagePull's) names, if it names one. */
  static Optional<Reason> hopeless(String message) {
    if (message == null || message.isBlank()) {
      return Optional.empty();
    }
    String text = message.toLowerCase(Locale.ROOT);
    return RULES.stream()
        .filter(r -> r.pattern().matcher(text).find())
        .map(Rule::reason)
        .findFirst();
  }
}
