package dev.kubemigrate.file;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Finds fields that fabric8's model classes did not know. Those classes keep unknown fields in
 * {@code additionalProperties} instead of failing, and an API server without strict field
 * validation drops them: a typo such as {@code secretKeyRef: {nmae: db}} would be lost without a
 * word. The path is a list of field names and list indexes, such as {@code [env, 1, nmae]}.
 */
final class UnknownFields {

  private static final String MODEL_PACKAGE = "io.fabric8.kubernetes.api.model";

  private UnknownFields() {}

  /** The path of the first unknown field under {@code value}, if there is one. */
  static Optional<List<Object>> find(Object value) {
    return find(value, new ArrayList<>());
  }

  private static Optional<List<Object>> find(Object value, List<Object> path) {
    if (value instanceof List<?> list) {
      for (int i = 0; i < list.size(); i++) {
        Optional<List<Object>> found = find(list.get(i), with(path, i));
        if (found.isPresent()) {
          return found;
        }
      }
    } else if (value instanceof Map<?, ?> map) {
      for (Map.Entry<?, ?> entry : map.entrySet()) {
        Optional<List<Object>> found = find(entry.getValue(), with(path, entry.getKey()));
        if (found.isPresent()) {
          return found;
        }
      }
    } else if (value != null && value.getClass().getName().startsWith(MODEL_PACKAGE)) {
      return findInModel(value, path);
    }
    return Optional.empty();
  }

  private static Optional<List<Object>> findInModel(Object model, List<Object> path) {
    List<Method> getters = new ArrayList<>();
    for (Method method : model.getClass().getMethods()) {
      if (isGetter(method)) {
        getters.add(method);
      }
    }
    getters.sort(Comparator.comparing(Method::getName));
    for (Method getter : getters) {
      Object child = invoke(getter, model);
      if (getter.getName().equals("getAdditionalProperties")) {
        if (child instanceof Map<?, ?> extra && !extra.isEmpty()) {
          return Optional.of(with(path, extra.keySet().iterator().next()));
        }
      } else {
        Optional<List<Object>> found = find(child, with(path, property(getter)));
        if (found.isPresent()) {
          return found;
        }
      }
    }
    return Optional.empty();
  }

  private static boolean isGetter(Method method) {
    return method.getName().startsWith("get")
        && method.getName().length() > 3
        && method.getParameterCount() == 0
        && !Modifier.isStatic(method.getModifiers())
        && method.getDeclaringClass().getName().startsWith(MODEL_PACKAGE);
  }

  private static Object invoke(Method getter, Object model) {
    try {
      return getter.invoke(model);
    } catch (IllegalAccessException | InvocationTargetException | RuntimeException e) {
      // Computed getters (such as Quantity's numerical amount) may refuse odd values: not ours.
      return null;
    }
  }

  private static String property(Method getter) {
    String name = getter.getName().substring(3);
    return Character.toLowerCase(name.charAt(0)) + name.substring(1);
  }

  private static List<Object> with(List<Object> path, Object element) {
    List<Object> longer = new ArrayList<>(path);
    longer.add(element);
    return longer;
  }
}
