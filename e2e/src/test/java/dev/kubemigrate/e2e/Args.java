package dev.kubemigrate.e2e;

import java.util.ArrayList;
import java.util.List;

/**
 * The argument list of one `kubemigrate run`, built the way the tests write it: {@code run -n NS
 * --app APP}, then the options in the order they are added, then {@code --command -- CMD…} if a
 * command was given. Immutable: every method returns a new list, so a test can run one list and
 * then a variant of it.
 */
final class Args {

  private final List<String> options;
  private final List<String> command;

  private Args(List<String> options, List<String> command) {
    this.options = List.copyOf(options);
    this.command = command == null ? null : List.copyOf(command);
  }

  /** {@code run -n NS --app APP}. */
  static Args run(TestNamespace ns, String app) {
    return new Args(List.of("run", "-n", ns.name(), "--app", app), null);
  }

  /** {@code run --app APP}, in the kubeconfig's namespace. */
  static Args run(String app) {
    return new Args(List.of("run", "--app", app), null);
  }

  /** {@code run -n NS --app APP --version VER --image BUSYBOX --image-pull-policy Never}. */
  static Args busyboxRun(TestNamespace ns, String app, String version) {
    return run(ns, app).version(version).image(Images.BUSYBOX).neverPull();
  }

  Args version(String version) {
    return option("--version", version);
  }

  Args image(String image) {
    return option("--image", image);
  }

  /** {@code --image-pull-policy Never}: the image is on the node already. */
  Args neverPull() {
    return option("--image-pull-policy", "Never");
  }

  /** {@code -o json}. */
  Args json() {
    return option("-o", "json");
  }

  Args option(String name, String value) {
    List<String> more = new ArrayList<>(options);
    more.add(name);
    more.add(value);
    return new Args(more, command);
  }

  Args flag(String name) {
    List<String> more = new ArrayList<>(options);
    more.add(name);
    return new Args(more, command);
  }

  /** {@code --command -- CMD…}: the command replaces the image's entrypoint. */
  Args command(String... command) {
    return new Args(options, List.of(command));
  }

  /** {@code --command -- sh -c SCRIPT}. */
  Args sh(String script) {
    return command("sh", "-c", script);
  }

  List<String> list() {
    List<String> all = new ArrayList<>(options);
    if (command != null) {
      all.add("--command");
      all.add("--");
      all.addAll(command);
    }
    return List.copyOf(all);
  }

  String[] build() {
    return list().toArray(String[]::new);
  }
}
