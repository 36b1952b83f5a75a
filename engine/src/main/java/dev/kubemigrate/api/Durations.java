package dev.kubemigrate.api;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as people write them on a command line: {@code 90s}, {@code 10m}, {@code 1h30m}, {@code
 * 2h}. Whole seconds only; a bare number is refused because its unit would be a guess.
 */
public final class Durations {

  private static final Pattern DURATION = Pattern.compile("(?:(\\d+)h)?(?:(\\d+)m)?(?:(\\d+)s)?");

  /**
   * The longest duration accepted anywhere (30 days): no timeout, grace or TTL needs more, and
   * every deadline computed from one stays far inside what a clock can represent.
   */
  public static final Duration MAX = Duration.ofDays(30);

  private Durations() {}

  /**
   * Parses a positive duration.
   *
   * @param option what the value was given for, named in the error, such as {@code --timeout}
   * @throws KubemigrateException a usage error for empty, malformed, zero, negative or too long
   *     (over {@link #MAX}) input
   */
  public static Duration parse(String text, String option) {
    return parse(text, option, false);
  }

  /**
   * Parses a duration that must not be negative, and may be zero only when {@code allowZero}.
   *
   * @param option what the value was given for, named in the error, such as {@code --timeout}
   * @throws KubemigrateException a usage error for empty, malformed or out-of-range input
   */
  public static Duration parse(String text, String option, boolean allowZero) {
    String trimmed = text == null ? "" : text.trim();
    if (trimmed.startsWith("-")) {
      throw KubemigrateException.usage(
          "invalid duration '%s' for %s: must not be negative", text, option);
    }
    Matcher matcher = DURATION.matcher(trimmed);
    if (trimmed.isEmpty() || !matcher.matches()) {
      throw KubemigrateException.usage(
          "invalid duration '%s' for %s: use e.g. 90s, 10m, 1h30m", text, option);
    }
    Duration duration;
    try {
      duration =
          Duration.ofHours(number(matcher.group(1)))
              .plusMinutes(number(matcher.group(2)))
              .plusSeconds(number(matcher.group(3)));
    } catch (ArithmeticException | NumberFormatException e) {
      throw KubemigrateException.usage("invalid duration '%s' for %s: too long", text, option);
    }
    if (duration.compareTo(MAX) > 0) {
      throw KubemigrateException.usage(
          "invalid duration '%s' for %s: at most %s (30 days)", text, option, format(MAX));
    }
    if (duration.isZero() && !allowZero) {
      throw KubemigrateException.usage(
          "invalid duration '%s' for %s: must be longer than zero", text, option);
    }
    return duration;
  }

  /**
   * Formats a duration the way {@link #parse} reads it, largest units first and zero units left
   * out: {@code 1h30m}, {@code 1m30s}, {@code 0s}. Fractions of a second are dropped.
   */
  public static String format(Duration duration) {
    long seconds = duration.getSeconds();
    StringBuilder text = new StringBuilder();
    if (seconds < 0) {
      text.append('-');
      seconds = -seconds;
    }
    long hours = seconds / 3600;
    long minutes = seconds % 3600 / 60;
    long rest = seconds % 60;
    if (hours > 0) {
      text.append(hours).append('h');
    }
    if (minutes > 0) {
      text.append(minutes).append('m');
    }
    if (rest > 0 || (hours == 0 && minutes == 0)) {
      text.append(rest).append('s');
    }
    return text.toString();
  }

  private static long number(String digits) {
    return digits == null ? 0 : Long.parseLong(digits);
  }
}
