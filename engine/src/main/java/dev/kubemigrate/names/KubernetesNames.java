package dev.kubemigrate.names;

import java.util.Locale;
import java.util.regex.Pattern;

/** The naming rules of Kubernetes that kubemigrate's names, labels and inputs must follow. */
public final class KubernetesNames {

  /** Most names: a DNS-1123 label, and every label value, are at most this long. */
  public static final int MAX_LABEL_LENGTH = 63;

  private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
  private static final Pattern DNS_SUBDOMAIN =
      Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
  private static final Pattern LABEL_VALUE =
      Pattern.compile("([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?");
  private static final Pattern QUALIFIED_NAME =
      Pattern.compile("[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?");

  private KubernetesNames() {}

  /** A DNS-1123 label: what Job, Service and namespace names must be. */
  public static boolean isDnsLabel(String name) {
    return name != null && name.length() <= MAX_LABEL_LENGTH && DNS_LABEL.matcher(name).matches();
  }

  /** A DNS-1123 subdomain: what Secret, ConfigMap and ServiceAccount names must be. */
  public static boolean isDnsSubdomain(String name) {
    return name != null && name.length() <= 253 && DNS_SUBDOMAIN.matcher(name).matches();
  }

  /** A valid label value (may be empty). */
  public static boolean isLabelValue(String value) {
    return value != null
        && value.length() <= MAX_LABEL_LENGTH
        && LABEL_VALUE.matcher(value).matches();
  }

  /** A valid label key, such as {@code disktype} or {@code kubernetes.io/arch}. */
  public static boolean isLabelKey(String key) {
    if (key == null) {
      return false;
    }
    int slash = key.indexOf('/');
    String name = slash < 0 ? key : key.substring(slash + 1);
    boolean prefixOk = slash < 0 || isDnsSubdomain(key.substring(0, slash));
    return prefixOk && name.length() <= MAX_LABEL_LENGTH && QUALIFIED_NAME.matcher(name).matches();
  }

  /**
   * Lower-cases {@code text}, turns every character outside {@code [a-z0-9]} into {@code -},
   * collapses runs of {@code -} and trims them from both ends. May return an empty string.
   */
  public static String sanitize(String text) {
    String lower = text.toLowerCase(Locale.ROOT);
    StringBuilder out = new StringBuilder(lower.length());
    for (int i = 0; i < lower.length(); i++) {
      char c = lower.charAt(i);
      boolean valid = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
      if (valid) {
        out.append(c);
      } else if (out.length() > 0 && out.charAt(out.length() - 1) != '-') {
        out.append('-');
      }
    }
    return trimDashes(out.toString());
  }

  /** Cuts {@code text} to at most {@code max} characters without leaving a trailing {@code -}. */
  public static String truncate(String text, int max) {
    return trimDashes(text.length() <= max ? text : text.substring(0, max));
  }

  private static String trimDashes(String text) {
    int start = 0;
    int end = text.length();
    while (start < end && text.charAt(start) == '-') {
      start++;
    }
    while (end > start && text.charAt(end - 1) == '-') {
      end--;
    }
    return text.substring(start, end);
  }
}
