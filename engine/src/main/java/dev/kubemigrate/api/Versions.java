package dev.kubemigrate.api;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How app versions are ordered, for the rollback guard: the way users write them. Pure.
 *
 * <ul>
 *   <li>Semantic versions ({@code 1.5.0}, {@code v2.0.0-rc.1}, {@code 1.5.0+build.7}): by SemVer
 *       2.0.0's precedence: major, minor, patch numerically; a pre-release is lower than its
 *       release; pre-release identifiers compared one by one, numeric ones numerically and lower
 *       than alphanumeric ones; build metadata ignored. A leading {@code v} is allowed.
 *   <li>Other dotted numbers ({@code 42}, {@code 2024.05.17}, {@code 1.2.3.4}): number by number, a
 *       missing number counting as 0.
 * </ul>
 *
 * Anything else ({@code latest}, a commit hash, {@code main-3f2a}) cannot be ordered and is refused
 * where an order is needed, never guessed.
 */
public final class Versions {

  private static final Pattern SEMVER =
      Pattern.compile(
          "v?(0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)"
              + "(?:-((?:0|[1-9]\\d*|\\d*[a-zA-Z-][0-9a-zA-Z-]*)"
              + "(?:\\.(?:0|[1-9]\\d*|\\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?"
              + "(?:\\+[0-9a-zA-Z-]+(?:\\.[0-9a-zA-Z-]+)*)?");

  private static final Pattern DOTTED = Pattern.compile("v?\\d+(?:\\.\\d+)*");

  private Versions() {}

  /** Whether {@code version} can be ordered. */
  public static boolean orderable(String version) {
    return version != null
        && (SEMVER.matcher(version).matches() || DOTTED.matcher(version).matches());
  }

  /**
   * Compares two versions: negative when {@code a} is older than {@code b}; empty when either
   * cannot be ordered.
   */
  public static Optional<Integer> compare(String a, String b) {
    if (!orderable(a) || !orderable(b)) {
      return Optional.empty();
    }
    Matcher ma = SEMVER.matcher(a);
    Matcher mb = SEMVER.matcher(b);
    boolean sa = ma.matches();
    boolean sb = mb.matches();
    List<BigInteger> na = numbers(sa ? ma.group(1) + "." + ma.group(2) + "." + ma.group(3) : a);
    List<BigInteger> nb = numbers(sb ? mb.group(1) + "." + mb.group(2) + "." + mb.group(3) : b);
    int byNumbers = compareNumbers(na, nb);
    if (byNumbers != 0) {
      return Optional.of(Integer.signum(byNumbers));
    }
    String pa = sa ? ma.group(4) : null;
    String pb = sb ? mb.group(4) : null;
    return Optional.of(comparePreRelease(pa, pb));
  }

  /**
   * Compares, or throws a usage error that names {@code what} and says which versions are
   * orderable.
   */
  public static int require(String a, String b, String what) {
    return compare(a, b)
        .orElseThrow(
            () ->
                KubemigrateException.usage(
                    "cannot order %s '%s' against '%s': use semantic versions (1.5.0,"
                        + " v2.0.0-rc.1) or dotted numbers (42, 2024.05.17)",
                    what, orderable(a) ? b : a, orderable(a) ? a : b));
  }

  private static List<BigInteger> numbers(String dotted) {
    String s = dotted.startsWith("v") ? dotted.substring(1) : dotted;
    List<BigInteger> out = new ArrayList<>();
    for (String part : s.split("\\.")) {
      out.add(new BigInteger(part));
    }
    return out;
  }

  private static int compareNumbers(List<BigInteger> a, List<BigInteger> b) {
    for (int i = 0; i < Math.max(a.size(), b.size()); i++) {
      BigInteger x = i < a.size() ? a.get(i) : BigInteger.ZERO;
      BigInteger y = i < b.size() ? b.get(i) : BigInteger.ZERO;
      int c = x.compareTo(y);
      if (c != 0) {
        return c;
      }
    }
    return 0;
  }

  /** SemVer 2.0.0, item 11: no pre-release ranks higher; identifiers compared one by one. */
  private static int comparePreRelease(String a, String b) {
    if (a == null || b == null) {
      return a == null ? (b == null ? 0 : 1) : -1;
    }
    String[] x = a.split("\\.");
    String[] y = b.split("\\.");
    for (int i = 0; i < Math.min(x.length, y.length); i++) {
      boolean nx = x[i].chars().allMatch(Character::isDigit);
      boolean ny = y[i].chars().allMatch(Character::isDigit);
      int c;
      if (nx && ny) {
        c = new BigInteger(x[i]).compareTo(new BigInteger(y[i]));
      } else if (nx != ny) {
        c = nx ? -1 : 1;
      } else {
        c = x[i].compareTo(y[i]);
      }
      if (c != 0) {
        return Integer.signum(c);
      }
    }
    return Integer.compare(x.length, y.length);
  }
}
