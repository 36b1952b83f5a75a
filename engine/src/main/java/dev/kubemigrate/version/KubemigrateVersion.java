package dev.kubemigrate.version;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** The version of kubemigrate that is running, as stamped into the build by Maven. */
public final class KubemigrateVersion {

  static final String RESOURCE = "/kubemigrate-version.properties";

  /** Reported when the resource is missing or unfiltered, e.g. classes run straight from an IDE. */
  static final String UNKNOWN = "unknown";

  private KubemigrateVersion() {}

  /** Returns the project version, such as {@code 0.1.0}, or {@code "unknown"} if not stamped. */
  public static String current() {
    return Holder.VERSION;
  }

  static String readFrom(InputStream in) throws IOException {
    if (in == null) {
      return UNKNOWN;
    }
    Properties properties = new Properties();
    properties.load(in);
    String version = properties.getProperty("version", "").trim();
    // An unfiltered resource still holds the Maven expression; that is not a version.
    if (version.isEmpty() || version.startsWith("${")) {
      return UNKNOWN;
    }
    return version;
  }

  // Lazy holder: read once, on first use, without locking or mutable statics.
  private static final class Holder {
    static final String VERSION = load();

    private static String load() {
      try (InputStream in = KubemigrateVersion.class.getResourceAsStream(RESOURCE)) {
        return readFrom(in);
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot read " + RESOURCE, e);
      }
    }
  }
}
