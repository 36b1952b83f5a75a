package dev.kubemigrate.api;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The URLs a finished run notifies ({@code --notify}, {@code spec.notify}, {@code
 * $KUBEMIGRATE_NOTIFY}, the operator's {@code --notify}): checked, and shown to people without
 * their path and query, where webhooks keep their tokens. Pure.
 */
public final class Webhooks {

  private Webhooks() {}

  /**
   * The URLs to notify: {@code given} (flags, the spec) and those in {@code fromEnv} ({@code
   * $KUBEMIGRATE_NOTIFY}: separated by commas or spaces), each once, checked.
   *
   * @throws KubemigrateException (usage) naming {@code what} and the URL's host, never its path
   */
  public static List<String> urls(List<String> given, String fromEnv, String what) {
    List<String> all = new ArrayList<>();
    for (String u : given == null ? List.<String>of() : given) {
      add(all, u, what);
    }
    if (fromEnv != null) {
      for (String u : fromEnv.split("[,\\s]+")) {
        add(all, u, "$KUBEMIGRATE_NOTIFY");
      }
    }
    return List.copyOf(all);
  }

  private static void add(List<String> all, String url, String what) {
    if (url == null || url.isBlank()) {
      return;
    }
    String u = url.strip();
    check(u, what);
    if (!all.contains(u)) {
      all.add(u);
    }
  }

  /**
   * Checks that {@code url} is an absolute http(s) URL with a host.
   *
   * @throws KubemigrateException (usage) naming {@code what}, without the URL's path and query
   */
  public static void check(String url, String what) {
    URI uri;
    try {
      uri = new URI(url);
    } catch (Exception e) {
      throw KubemigrateException.usage(
          "invalid URL %s (%s): it is not a URL; use https://HOST/PATH, e.g. a Slack incoming"
              + " webhook",
          shown(url), what);
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("https") && !scheme.equals("http") || uri.getHost() == null) {
      throw KubemigrateException.usage(
          "invalid URL %s (%s): use an http:// or https:// URL with a host, e.g. a Slack incoming"
              + " webhook https://hooks.slack.com/services/…",
          shown(url), what);
    }
    if (uri.getRawUserInfo() != null) {
      throw KubemigrateException.usage(
          "invalid URL %s (%s): a user and password in the URL are not sent; put the webhook's"
              + " token in its path or query, as Slack, Teams and Mattermost do",
          shown(url), what);
    }
  }

  /**
   * A URL for people: scheme, host and port, the path left out ({@code https://hooks.slack.com/…}):
   * a webhook's path is its secret.
   */
  public static String shown(String url) {
    try {
      URI uri = new URI(url.strip());
      if (uri.getScheme() != null && uri.getHost() != null) {
        String rest = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "" : "/…";
        return uri.getScheme()
            + "://"
            + uri.getHost()
            + (uri.getPort() >= 0 ? ":" + uri.getPort() : "")
            + (rest.isEmpty() && uri.getRawQuery() != null ? "/…" : rest);
      }
    } catch (Exception e) {
      // said below
    }
    return "'…'";
  }
}
