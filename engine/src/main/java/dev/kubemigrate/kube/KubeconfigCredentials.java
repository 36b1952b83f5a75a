package dev.kubemigrate.kube;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.function.Function;

/**
 * The files and data that the selected cluster and user of a kubeconfig name, checked before the
 * client is made: a CA, a client certificate and key, a token file. A missing file, a directory, or
 * data that is not what its field needs is one line naming the kubeconfig, the entry, the field and
 * the value, as kubectl says it, instead of the client's "An error has occurred" (exit 1) or, for a
 * CA without a certificate, a TLS failure that looks like an unreachable server (exit 5).
 */
final class KubeconfigCredentials {

  private static final int MAX_BYTES = 1 << 20;

  private KubeconfigCredentials() {}

  /**
   * Checks the {@code cluster} entry named {@code name}, defined in {@code file}; {@code problem}
   * makes the exception for a message.
   */
  static void checkCluster(
      JsonNode cluster, String name, Path file, Function<String, RuntimeException> problem) {
    String where = String.format("kubeconfig %s: cluster '%s'", file, name);
    byte[] ca = material(cluster, "certificate-authority", file, where, problem);
    if (ca != null && !holdsCertificate(ca)) {
      throw holdsNo(where, cluster, "certificate-authority", CERTIFICATE, problem);
    }
  }

  /** Checks the {@code user} entry named {@code name}, defined in {@code file}. */
  static void checkUser(
      JsonNode user, String name, Path file, Function<String, RuntimeException> problem) {
    String where = String.format("kubeconfig %s: user '%s'", file, name);
    byte[] cert = material(user, "client-certificate", file, where, problem);
    if (cert != null && !holdsCertificate(cert)) {
      throw holdsNo(where, user, "client-certificate", CERTIFICATE, problem);
    }
    byte[] key = material(user, "client-key", file, where, problem);
    if (key != null && !holdsPrivateKey(key)) {
      throw holdsNo(where, user, "client-key", PRIVATE_KEY, problem);
    }
    // A token given inline is used as it is: its file and an exec plugin are then not run, as
    // kubectl does (an exec plugin is skipped with a client certificate or basic auth too).
    boolean token = !user.path("token").asText("").isBlank();
    Path tokenFile = tokenFile(user, file);
    if (tokenFile != null) {
      readable(file, user.path("tokenFile").asText(""), where + ": tokenFile", problem);
    }
    boolean otherCredentials =
        token || tokenFile != null || cert != null || !user.path("username").asText("").isBlank();
    JsonNode exec = user.path("exec");
    String command = exec.path("command").asText("");
    if (!otherCredentials && !command.isBlank() && !runnable(file, command)) {
      String hint = exec.path("installHint").asText("").strip();
      throw problem.apply(
          where
              + ": exec command "
              + command
              + (command.contains("/") ? " is not an executable file" : " is not on PATH")
              + (hint.isEmpty() ? ": install it, or fix the command" : ": " + oneLine(hint)));
    }
  }

  /**
   * The file the user's token is read from: its {@code tokenFile}, from the kubeconfig's directory
   * when relative, when it gives no {@code token} (which kubectl prefers); else null.
   */
  static Path tokenFile(JsonNode user, Path file) {
    String tokenFile = user.path("tokenFile").asText("");
    if (tokenFile.isBlank() || !user.path("token").asText("").isBlank()) {
      return null;
    }
    return fromKubeconfig(file, tokenFile);
  }

  /** {@code path} as kubectl reads it: from the directory of the kubeconfig {@code file}. */
  private static Path fromKubeconfig(Path file, String path) {
    Path dir = file.toAbsolutePath().getParent();
    return dir == null ? Path.of(path) : dir.resolve(path);
  }

  /**
   * Whether the exec plugin's {@code command} can be run, found as kubectl finds it: a path with a
   * slash from the kubeconfig's directory when relative, a bare name on PATH.
   */
  private static boolean runnable(Path file, String command) {
    if (java.io.File.separatorChar != '/') {
      // Windows finds a command with its extensions (PATHEXT) and backslashed paths: left to the
      // client, which runs it through cmd.exe.
      return true;
    }
    try {
      return found(file, command);
    } catch (java.nio.file.InvalidPathException e) {
      return true; // a PATH entry that is no path: the client says what it finds
    }
  }

  private static boolean found(Path file, String command) {
    if (command.contains("/")) {
      Path path = fromKubeconfig(file, command);
      return Files.isRegularFile(path) && Files.isExecutable(path);
    }
    String path = System.getenv("PATH");
    if (path == null) {
      return false;
    }
    for (String dir : path.split(java.io.File.pathSeparator)) {
      Path candidate = Path.of(dir.isEmpty() ? "." : dir).resolve(command);
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return true;
      }
    }
    return false;
  }

  private static String oneLine(String text) {
    return text.replaceAll("\\s*\\n\\s*", " ");
  }

  /**
   * The bytes of {@code field}-data (base64) or else of {@code field} (a file, read from the
   * kubeconfig's directory when relative), the data first as kubectl takes it; null when neither is
   * set.
   */
  private static byte[] material(
      JsonNode entry,
      String field,
      Path file,
      String where,
      Function<String, RuntimeException> problem) {
    String data = entry.path(field + "-data").asText("");
    if (!data.isBlank()) {
      // As the client reads it: base64, or else the text itself (a PEM pasted as it is).
      try {
        return Base64.getDecoder().decode(data);
      } catch (IllegalArgumentException notBase64) {
        return data.getBytes(StandardCharsets.UTF_8);
      }
    }
    String path = entry.path(field).asText("");
    if (path.isBlank()) {
      return null;
    }
    Path read = readable(file, path, where + ": " + field, problem);
    try {
      if (Files.size(read) > MAX_BYTES) {
        throw problem.apply(
            where + ": " + field + " " + read + " is larger than 1 MB: not a PEM file");
      }
      return Files.readAllBytes(read);
    } catch (IOException e) {
      throw problem.apply(where + ": " + field + " " + read + " cannot be read: " + e.getMessage());
    }
  }

  /** {@code path} resolved against the kubeconfig's directory, checked that it can be read. */
  private static Path readable(
      Path file, String path, String what, Function<String, RuntimeException> problem) {
    Path read = fromKubeconfig(file, path);
    String named = what + " " + read;
    if (!Files.exists(read)) {
      throw problem.apply(named + ": no such file");
    }
    if (Files.isDirectory(read)) {
      throw problem.apply(named + ": is a directory, not a file");
    }
    if (!Files.isReadable(read)) {
      throw problem.apply(named + ": cannot be read (permission denied)");
    }
    return read;
  }

  private static final String CERTIFICATE =
      "no certificate: expected PEM (-----BEGIN CERTIFICATE-----)";
  private static final String PRIVATE_KEY =
      "no private key: expected PEM (-----BEGIN [RSA |EC ]PRIVATE KEY-----)";

  /** The refusal of {@code field} of {@code entry}, file or data, for holding {@code no}. */
  private static RuntimeException holdsNo(
      String where,
      JsonNode entry,
      String field,
      String no,
      Function<String, RuntimeException> problem) {
    String shown =
        entry.path(field + "-data").asText("").isBlank()
            ? field + " " + entry.path(field).asText("")
            : field + "-data";
    return problem.apply(
        where + ": " + shown + " holds " + no + ", base64-encoded in a -data field");
  }

  /** Whether {@code bytes} hold at least one X.509 certificate (see {@link #certificates}). */
  static boolean holdsCertificate(byte[] bytes) {
    return !certificates(bytes).isEmpty();
  }

  /**
   * The X.509 certificates in {@code bytes}: PEM, block by block, the blocks of other kinds (a key,
   * a CRL) or that do not parse skipped, as kubectl skips them; or else DER.
   */
  static List<Certificate> certificates(byte[] bytes) {
    String text = new String(bytes, StandardCharsets.ISO_8859_1);
    String begin = "-----BEGIN CERTIFICATE-----";
    String end = "-----END CERTIFICATE-----";
    int from = text.indexOf(begin);
    if (from < 0) {
      return parse(bytes);
    }
    List<Certificate> all = new ArrayList<>();
    while (from >= 0) {
      int to = text.indexOf(end, from);
      if (to < 0) {
        break;
      }
      all.addAll(
          parse(text.substring(from, to + end.length()).getBytes(StandardCharsets.ISO_8859_1)));
      from = text.indexOf(begin, to);
    }
    return all;
  }

  private static List<Certificate> parse(byte[] certificates) {
    try {
      return List.copyOf(
          CertificateFactory.getInstance("X.509")
              .generateCertificates(new ByteArrayInputStream(certificates)));
    } catch (CertificateException e) {
      return List.of();
    }
  }

  // The object identifier of an elliptic-curve public key (1.2.840.10045.2.1), DER-encoded.
  private static final byte[] EC_KEY_OID = {
    0x06, 0x07, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x02, 0x01
  };

  /**
   * Whether {@code pem} is an elliptic-curve key in PKCS#8 ({@code -----BEGIN PRIVATE KEY-----}),
   * as cert-manager or {@code openssl genpkey} write it. The client reads a PKCS#8 key as RSA
   * unless told otherwise, and fails on an EC one ("Invalid DER"), which kubectl takes.
   */
  static boolean isPkcs8EcKey(byte[] pem) {
    String text = new String(pem, StandardCharsets.US_ASCII);
    String begin = "-----BEGIN PRIVATE KEY-----";
    int from = text.indexOf(begin);
    int to = text.indexOf("-----END PRIVATE KEY-----");
    if (from < 0 || to < from) {
      return false;
    }
    byte[] der;
    try {
      der = Base64.getMimeDecoder().decode(text.substring(from + begin.length(), to));
    } catch (IllegalArgumentException e) {
      return false;
    }
    // SEQUENCE { INTEGER 0, SEQUENCE { OID, parameters }, OCTET STRING }: the OID is near the start
    for (int i = 0; i + EC_KEY_OID.length <= Math.min(der.length, 32); i++) {
      if (java.util.Arrays.equals(
          der, i, i + EC_KEY_OID.length, EC_KEY_OID, 0, EC_KEY_OID.length)) {
        return true;
      }
    }
    return false;
  }

  private static boolean holdsPrivateKey(byte[] bytes) {
    String text = new String(bytes, StandardCharsets.US_ASCII);
    int begin = text.indexOf("-----BEGIN ");
    return begin >= 0 && text.indexOf("PRIVATE KEY-----", begin) > 0;
  }
}
