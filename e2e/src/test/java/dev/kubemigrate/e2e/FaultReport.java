package dev.kubemigrate.e2e;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** What the fault suite's trials found, as the figures it prints at the end. */
final class FaultReport {

  /**
   * One trial's outcome.
   *
   * @param id the trial's name, also its app and the key of its rows in the database
   * @param mode how the migration was started
   * @param faults what was injected, in order
   * @param migrated whether the migration finished in the database (its last statement ran)
   * @param verdicts how each caller ended, e.g. {@code run#1 exit 0}
   * @param faultToVerdict from the first fault to the last first-wave caller's end; null if none
   * @param violations broken invariants: must be none
   * @param notes what is worth knowing and breaks no invariant
   */
  record Trial(
      String id,
      Fault.Mode mode,
      List<Fault> faults,
      boolean migrated,
      List<String> verdicts,
      Duration faultToVerdict,
      Duration took,
      List<String> violations,
      List<String> notes) {}

  private final List<Trial> trials = new ArrayList<>();
  private final long seed;

  FaultReport(long seed) {
    this.seed = seed;
  }

  void add(Trial trial) {
    trials.add(trial);
  }

  List<String> violations() {
    List<String> all = new ArrayList<>();
    for (Trial t : trials) {
      for (String v : t.violations()) {
        all.add(t.id() + " " + t.mode() + " " + t.faults() + ": " + v);
      }
    }
    return all;
  }

  String render() {
    StringBuilder out = new StringBuilder();
    Duration total = trials.stream().map(Trial::took).reduce(Duration.ZERO, Duration::plus);
    out.append(
        String.format(
            Locale.ROOT,
            "fault suite: %d trials, seed %d, %.1f min%n",
            trials.size(),
            seed,
            total.toMillis() / 60_000.0));
    Map<Fault.Mode, Integer> modes = new EnumMap<>(Fault.Mode.class);
    trials.forEach(t -> modes.merge(t.mode(), 1, Integer::sum));
    out.append("trials by mode: ").append(modes).append('\n');
    out.append(
        String.format(
            Locale.ROOT,
            "%-22s %6s %9s %7s %12s %12s%n",
            "fault",
            "trials",
            "migrated",
            "failed",
            "p50 verdict",
            "p95 verdict"));
    for (Fault f : Fault.values()) {
      List<Trial> with = trials.stream().filter(t -> t.faults().contains(f)).toList();
      if (!with.isEmpty()) {
        out.append(row(f.name(), with));
      }
    }
    out.append(row("all", trials));
    List<String> violations = violations();
    out.append("invariant violations: ").append(violations.size()).append('\n');
    violations.forEach(v -> out.append("  ").append(v).append('\n'));
    List<String> notes = new ArrayList<>();
    for (Trial t : trials) {
      t.notes().forEach(n -> notes.add(t.id() + " " + t.mode() + " " + t.faults() + ": " + n));
    }
    out.append("notes: ").append(notes.size()).append('\n');
    notes.forEach(n -> out.append("  ").append(n).append('\n'));
    out.append("trials:\n");
    for (Trial t : trials) {
      out.append(
          String.format(
              Locale.ROOT,
              "  %s %-8s %-40s %-9s %5.1f s  %s%n",
              t.id(),
              t.mode(),
              t.faults(),
              t.migrated() ? "migrated" : "not-run",
              t.took().toMillis() / 1000.0,
              String.join(", ", t.verdicts())));
    }
    return out.toString();
  }

  private static String row(String name, List<Trial> with) {
    long migrated = with.stream().filter(Trial::migrated).count();
    List<Duration> times =
        with.stream()
            .map(Trial::faultToVerdict)
            .filter(d -> d != null)
            .sorted(Comparator.naturalOrder())
            .toList();
    return String.format(
        Locale.ROOT,
        "%-22s %6d %9d %7d %12s %12s%n",
        name,
        with.size(),
        migrated,
        with.size() - migrated,
        seconds(percentile(times, 50)),
        seconds(percentile(times, 95)));
  }

  /** The nearest-rank percentile of sorted durations, or null if there are none. */
  static Duration percentile(List<Duration> sorted, int p) {
    if (sorted.isEmpty()) {
      return null;
    }
    int rank = (int) Math.ceil(p / 100.0 * sorted.size());
    return sorted.get(Math.max(0, rank - 1));
  }

  private static String seconds(Duration d) {
    return d == null ? "-" : String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
  }
}
