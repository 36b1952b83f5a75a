import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * The floor under `kubemigrate await` on a JVM, for scripts/bench-await: the least a Java program
 * does for the same decision, with none of kubemigrate's framework (no picocli, no kubeconfig
 * reader, no fabric8, no Jackson). It reads the client certificate, its key and the cluster's CA
 * (or a service account's token) from files, makes the TLS context, and sends await's two GETs (the
 * app's schema floor, then the record) over one connection; it exits 0 when the record says
 * Succeeded.
 *
 * <p>Usage: {@code AwaitFloor raw|jdk SERVER CA CERT KEY NAMESPACE FLOOR RECORD}, or {@code token}
 * and the token's file in place of CERT and KEY (in a pod): {@code raw} writes HTTP/1.1 on an
 * SSLSocket (the floor itself), {@code jdk} uses the JDK's HTTP client, the transport kubemigrate's
 * client uses. The key must be PKCS#8 ({@code BEGIN PRIVATE KEY}), as the local cluster's is; the
 * server's URL has no path.
 */
public final class AwaitFloor {

  public static void main(String[] a) throws Exception {
    URI server = URI.create(a[1]);
    boolean token = a[3].equals("token");
    SSLContext tls = context(Path.of(a[2]), token ? null : Path.of(a[3]), Path.of(a[4]));
    String authorization =
        token ? "Bearer " + new String(Files.readAllBytes(Path.of(a[4]))).trim() : null;
    String base = "/api/v1/namespaces/" + a[5] + "/configmaps/";
    String floor;
    String record;
    if (a[0].equals("jdk")) {
      HttpClient client = HttpClient.newBuilder().sslContext(tls).build();
      floor = jdkGet(client, server.resolve(base + a[6]), authorization);
      record = jdkGet(client, server.resolve(base + a[7]), authorization);
    } else {
      int port = server.getPort() < 0 ? 443 : server.getPort();
      try (SSLSocket socket =
          (SSLSocket) tls.getSocketFactory().createSocket(server.getHost(), port)) {
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        socket.setSSLParameters(parameters);
        OutputStream out = socket.getOutputStream();
        InputStream in = new BufferedInputStream(socket.getInputStream());
        floor = rawGet(out, in, server, base + a[6], authorization);
        record = rawGet(out, in, server, base + a[7], authorization);
      }
    }
    // No floor for the app (as the benchmark's), and the record's state as RecordCodec writes it.
    boolean succeeded =
        floor.startsWith("404 ")
            && record.startsWith("200 ")
            && record.contains("\"state\":\"Succeeded\"");
    System.out.println(succeeded ? "succeeded" : "not decided: " + floor + " / " + record);
    // As kubemigrate's QuickExit: the JDK client's selector thread, woken, leaves native code, so
    // that the exit does not wait 0.3 s for it.
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.getName().endsWith("-SelectorManager")) {
        t.interrupt();
        t.join(100);
      }
    }
    System.exit(succeeded ? 0 : 1);
  }

  /** Trusting the CA; with the client certificate and its key unless {@code cert} is null. */
  private static SSLContext context(Path ca, Path cert, Path key) throws Exception {
    CertificateFactory x509 = CertificateFactory.getInstance("X.509");
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("ca", x509.generateCertificate(Files.newInputStream(ca)));
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext context = SSLContext.getInstance("TLS");
    if (cert == null) {
      context.init(null, tmf.getTrustManagers(), null);
      return context;
    }
    byte[] der = pem(key);
    PrivateKey privateKey;
    try {
      privateKey = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der));
    } catch (java.security.spec.InvalidKeySpecException e) {
      privateKey = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(der));
    }
    KeyStore keys = KeyStore.getInstance("PKCS12");
    keys.load(null, null);
    Certificate client = x509.generateCertificate(Files.newInputStream(cert));
    keys.setKeyEntry("client", privateKey, new char[0], new Certificate[] {client});
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(keys, new char[0]);
    context.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
    return context;
  }

  /** The body of a PKCS#8 PEM file ({@code BEGIN PRIVATE KEY}), decoded. */
  private static byte[] pem(Path file) throws IOException {
    StringBuilder body = new StringBuilder();
    boolean inside = false;
    for (String line : Files.readAllLines(file)) {
      if (line.startsWith("-----BEGIN")) {
        inside = true;
      } else if (line.startsWith("-----END")) {
        break;
      } else if (inside) {
        body.append(line.trim());
      }
    }
    return Base64.getDecoder().decode(body.toString());
  }

  private static String jdkGet(HttpClient client, URI uri, String authorization)
      throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri).header("Accept", "application/json");
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    HttpResponse<String> response =
        client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    return response.statusCode() + " " + response.body();
  }

  /** One HTTP/1.1 GET on a kept-alive connection: "STATUS BODY". */
  private static String rawGet(
      OutputStream out, InputStream in, URI server, String path, String authorization)
      throws IOException {
    out.write(
        ("GET " + path + " HTTP/1.1\r\nHost: " + server.getAuthority()
                + (authorization == null ? "" : "\r\nAuthorization: " + authorization)
                + "\r\nAccept: application/json\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
    out.flush();
    String status = line(in).split(" ")[1];
    int length = 0;
    boolean chunked = false;
    for (String header = line(in); !header.isEmpty(); header = line(in)) {
      if (header.regionMatches(true, 0, "content-length:", 0, 15)) {
        length = Integer.parseInt(header.substring(15).trim());
      } else if (header.regionMatches(true, 0, "transfer-encoding:", 0, 18)) {
        chunked = header.toLowerCase(java.util.Locale.ROOT).contains("chunked");
      }
    }
    if (!chunked) {
      return status + " " + new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }
    // A larger body (a record with its log's tail) comes in chunks: size line, data, CRLF; 0 ends.
    java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
    for (int size = chunkSize(in); size > 0; size = chunkSize(in)) {
      body.write(in.readNBytes(size));
      line(in);
    }
    for (String trailer = line(in); !trailer.isEmpty(); trailer = line(in)) {
      // trailers, if any, end with an empty line
    }
    return status + " " + body.toString(StandardCharsets.UTF_8);
  }

  private static int chunkSize(InputStream in) throws IOException {
    String size = line(in);
    int extension = size.indexOf(';');
    return Integer.parseInt((extension < 0 ? size : size.substring(0, extension)).trim(), 16);
  }

  private static String line(InputStream in) throws IOException {
    StringBuilder line = new StringBuilder();
    for (int c = in.read(); c != -1 && c != '\n'; c = in.read()) {
      if (c != '\r') {
        line.append((char) c);
      }
    }
    return line.toString();
  }
}
