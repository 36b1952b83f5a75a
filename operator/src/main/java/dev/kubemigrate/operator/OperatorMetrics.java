package dev.kubemigrate.operator;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.kubemigrate.api.ExitCode;
import dev.kubemigrate.api.RunOutcome;
import dev.kubemigrate.api.RunRecord;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The operator's Prometheus metrics: runs by result, failures by reason, run durations, runs active
 * and queued, and the JVM's own; served on {@code /metrics} with {@code /healthz} beside.
 */
final class OperatorMetrics implements AutoCloseable {

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final JvmGcMetrics gc = new JvmGcMetrics();
  private HttpServer server;

  OperatorMetrics() {
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    gc.bindTo(registry);
  }

  void gauges(Supplier<Number> running, Supplier<Number> queued) {
    Gauge.builder("kubemigrate_runs_active", running)
        .description("Migrations this operator is running now")
        .register(registry);
    Gauge.builder("kubemigrate_runs_queued", queued)
        .description("Migrations waiting for a free run slot")
        .register(registry);
  }

  /** Counts a run that ended with a result. */
  void outcome(RunOutcome outcome) {
    String result = outcome.exitCode().name().toLowerCase(Locale.ROOT);
    Counter.builder("kubemigrate_runs")
        .description("Runs that ended, by result (how: ran, attached, already_succeeded, ...)")
        .tag("result", result)
        .tag("how", outcome.how().name().toLowerCase(Locale.ROOT))
        .register(registry)
        .increment();
    RunRecord r = outcome.record();
    if (outcome.exitCode() != ExitCode.SUCCEEDED && outcome.reason() != null) {
      failure(outcome.reason().label());
    }
    boolean thisRun =
        outcome.how() == RunOutcome.How.RAN || outcome.how() == RunOutcome.How.ATTACHED;
    if (thisRun && r != null && r.startedAt() != null && r.finishedAt() != null) {
      Timer.builder("kubemigrate_run_duration")
          .description("From a run's claim to its result")
          .tag("result", result)
          .serviceLevelObjectives(
              Duration.ofSeconds(5),
              Duration.ofSeconds(15),
              Duration.ofSeconds(30),
              Duration.ofMinutes(1),
              Duration.ofMinutes(5),
              Duration.ofMinutes(15),
              Duration.ofMinutes(30),
              Duration.ofHours(1))
          .register(registry)
          .record(Duration.between(r.startedAt(), r.finishedAt()));
    }
  }

  /** Counts a run that ended without a result: an API error, a conflict, bad input. */
  void error(ExitCode code) {
    failure(code.name());
  }

  private void failure(String reason) {
    Counter.builder("kubemigrate_run_failures")
        .description("Failed runs, by reason")
        .tag("reason", reason)
        .register(registry)
        .increment();
  }

  String scrape() {
    return registry.scrape();
  }

  /** Serves {@code /metrics} and {@code /healthz} (200 once {@code healthy} says so). */
  void serve(int port, BooleanSupplier healthy) {
    try {
      server = HttpServer.create(new InetSocketAddress(port), 0);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen on port " + port + " for metrics", e);
    }
    server.createContext(
        "/metrics",
        exchange -> reply(exchange, 200, "text/plain; version=0.0.4; charset=utf-8", scrape()));
    server.createContext(
        "/healthz",
        exchange -> {
          boolean ok = healthy.getAsBoolean();
          reply(exchange, ok ? 200 : 503, "text/plain", ok ? "ok\n" : "starting\n");
        });
    server.start();
  }

  int port() {
    return server == null ? -1 : server.getAddress().getPort();
  }

  private static void reply(HttpExchange exchange, int status, String type, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", type);
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    if (server != null) {
      server.stop(0);
    }
    gc.close();
    registry.close();
  }
}
