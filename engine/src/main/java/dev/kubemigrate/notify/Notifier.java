package dev.kubemigrate.notify;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kubemigrate.api.RunListener;
import dev.kubemigrate.api.RunOutcome;
import dev.kubemigrate.api.Webhooks;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Posts a finished run's {@link Notification} to each URL, all at once: 5 s per try, up to 3 tries
 * (1 s, then 2 s apart) when the receiver cannot be reached or answers 429 or 5xx; any other answer
 * is final. Whatever happens, the run's result and exit code stay as they are: a notification that
 * fails is a warning line, naming the URL's host only.
 */
public final class Notifier {

  static final int TRIES = 3;
  private static final Duration TRY_TIMEOUT = Duration.ofSeconds(5);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Duration firstPause;

  public Notifier() {
    this(Duration.ofSeconds(1));
  }

  Notifier(Duration firstPause) {
    this.firstPause = firstPause;
  }

  /**
   * After a run: when {@code outcome} is a run this call ran to its end ({@link Notification#due}),
   * posts its message to {@code urls} and says how each went.
   */
  public static void afterRun(
      RunOutcome outcome, List<String> urls, String namespace, RunListener listener) {
    if (urls.isEmpty() || !Notification.due(outcome)) {
      return;
    }
    new Notifier().send(urls, Notification.payload(outcome, namespace), listener);
  }

  /** Posts {@code payload} to every URL, in parallel; returns once each is done. */
  public void send(List<String> urls, Object payload, RunListener listener) {
    String body;
    try {
      body = JSON.writeValueAsString(payload);
    } catch (JsonProcessingException e) {
      listener.progress("warning: no notification sent: " + e.getOriginalMessage());
      return;
    }
    HttpClient http =
        HttpClient.newBuilder()
            .connectTimeout(TRY_TIMEOUT)
            .followRedirects(HttpClient.Redirect.NORMAL)
            .build();
    CompletableFuture<?>[] all =
        urls.stream()
            .map(u -> CompletableFuture.runAsync(() -> listener.progress(post(http, u, body))))
            .toArray(CompletableFuture[]::new);
    CompletableFuture.allOf(all).join();
  }

  /** One URL, with its retries; the line to say. */
  String post(HttpClient http, String url, String body) {
    String shown = Webhooks.shown(url);
    String last = "";
    Duration pause = firstPause;
    for (int attempt = 1; attempt <= TRIES; attempt++) {
      try {
        HttpRequest request =
            HttpRequest.newBuilder(URI.create(url))
                .timeout(TRY_TIMEOUT)
                .header("Content-Type", "application/json; charset=utf-8")
                .header("User-Agent", "kubemigrate")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
                .build();
        HttpResponse<Void> response = http.send(request, HttpResponse.BodyHandlers.discarding());
        int status = response.statusCode();
        if (status >= 200 && status < 300) {
          return "notified " + shown + " (HTTP " + status + ")";
        }
        last = "HTTP " + status;
        if (status != 429 && status < 500) {
          break; // the receiver refuses this message: another try gets the same answer
        }
      } catch (IOException e) {
        last = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        last = last.replace(url, shown);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return "warning: notifying " + shown + " was interrupted; the run's result stands";
      } catch (IllegalArgumentException e) {
        return "warning: could not notify " + shown + ": " + e.getMessage();
      }
      if (attempt < TRIES) {
        try {
          Thread.sleep(pause.toMillis());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
        pause = pause.multipliedBy(2);
      }
    }
    return "warning: could not notify " + shown + " (" + last + "); the run's result stands";
  }
}
