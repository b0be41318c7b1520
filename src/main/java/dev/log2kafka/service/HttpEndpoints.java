package dev.log2kafka.service;

import java.io.IOException;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.function.Predicate;
import java.util.function.Supplier;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import dev.log2kafka.cli.SettingsException;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckHelper;
import org.apache.camel.support.service.ServiceSupport;

/**
 * What `--http-port` serves, for a service manager, an orchestrator and Prometheus: `GET /observe/health` (every
 * check), `/observe/health/live` (the process and its routes) and `/observe/health/ready` (and Kafka), each 200 with
 * `"status": "UP"` or 503 with `"status": "DOWN"` and each check in a JSON body, from Camel's health checks; and
 * `GET /observe/metrics` in the Prometheus text format. Live means the context and its routes are started; ready means
 * that, and Kafka answers. The JDK's own HTTP server: four GET endpoints need no web
 * framework (Camel's platform-http-main is not available at this Camel version, and platform-http-vertx would bring
 * Vert.x and Netty and their start-up time for them). A service of the Camel context: it stops with it.
 */
public final class HttpEndpoints extends ServiceSupport implements CamelContextAware {

    private final HttpServer server;
    private final Supplier<String> metrics;
    private CamelContext camelContext;
    private ExecutorService executor;

    /**
     * @param server  bound by {@link #bind}
     * @param metrics the metrics in the Prometheus text format, made when asked
     */
    public HttpEndpoints(HttpServer server, Supplier<String> metrics) {
        this.server = server;
        this.metrics = metrics;
    }

    /** Binds the port before anything starts, so that a port in use is one sentence and exit code 2. */
    public static HttpServer bind(int port) {
        try {
            return HttpServer.create(new InetSocketAddress(port), 0);
        } catch (BindException e) {
            throw new SettingsException("HTTP port " + port + " is in use or not allowed (--http-port): "
                    + e.getMessage() + ".");
        } catch (IOException e) {
            throw new SettingsException("Cannot listen on HTTP port " + port + " (--http-port): " + e.getMessage()
                    + ".");
        }
    }

    /** The port it listens on (useful with --http-port 0). */
    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public CamelContext getCamelContext() {
        return camelContext;
    }

    @Override
    public void setCamelContext(CamelContext camelContext) {
        this.camelContext = camelContext;
    }

    @Override
    protected void doStart() {
        server.createContext("/observe/health", get(() -> health(HealthCheckHelper.invoke(camelContext))));
        // alive: the context, its routes (Camel's route checks count as readiness, so they are picked here) and a
        // follower's progress; the Kafka check is not even asked, since it may take its whole timeout to answer
        Predicate<HealthCheck> kafka = check -> check instanceof KafkaHealthCheck;
        server.createContext("/observe/health/live", get(() -> health(HealthCheckHelper.invoke(camelContext, kafka))));
        server.createContext("/observe/health/ready",
                get(() -> health(HealthCheckHelper.invokeReadiness(camelContext))));
        server.createContext("/observe/metrics", get(() -> new Answer(200,
                "text/plain; version=0.0.4; charset=utf-8", metrics.get())));
        executor = camelContext.getExecutorServiceManager().newSingleThreadExecutor(this, "http");
        server.setExecutor(executor);
        server.start();
    }

    @Override
    protected void doStop() {
        server.stop(0);
        if (executor != null) {
            camelContext.getExecutorServiceManager().shutdown(executor);
        }
    }

    private static HttpHandler get(Supplier<Answer> answer) {
        return exchange -> {
            try (exchange) {
                Answer reply = "GET".equals(exchange.getRequestMethod()) ? answer.get()
                        : new Answer(405, "text/plain; charset=utf-8", "GET only\n");
                send(exchange, reply);
            } catch (RuntimeException e) {
                send(exchange, new Answer(500, "text/plain; charset=utf-8", e + "\n"));
            }
        };
    }

    private static void send(HttpExchange exchange, Answer reply) throws IOException {
        byte[] body = reply.body().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", reply.contentType());
        exchange.sendResponseHeaders(reply.status(), body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    /** 200 and UP if no check is down, else 503 and DOWN; each check with its state, message and details. */
    static Answer health(Collection<HealthCheck.Result> results) {
        boolean up = results.stream().noneMatch(r -> r.getState() == HealthCheck.State.DOWN);
        StringBuilder json = new StringBuilder("{\"status\":\"").append(up ? "UP" : "DOWN").append("\",\"checks\":[");
        String separator = "";
        for (HealthCheck.Result result : results.stream()
                .sorted((a, b) -> a.getCheck().getId().compareTo(b.getCheck().getId())).toList()) {
            json.append(separator).append("{\"name\":").append(quote(result.getCheck().getId()))
                    .append(",\"status\":").append(quote(result.getState().name()));
            result.getMessage().ifPresent(message -> json.append(",\"message\":").append(quote(message)));
            Map<String, Object> details = new TreeMap<>();
            result.getDetails().forEach((key, value) -> {
                if (!key.startsWith("invocation.") && !key.startsWith("failure.") && !key.startsWith("success.")) {
                    details.put(key, value);
                }
            });
            if (!details.isEmpty()) {
                json.append(",\"details\":{");
                String comma = "";
                for (Map.Entry<String, Object> detail : details.entrySet()) {
                    json.append(comma).append(quote(detail.getKey())).append(':')
                            .append(quote(String.valueOf(detail.getValue())));
                    comma = ",";
                }
                json.append('}');
            }
            json.append('}');
            separator = ",";
        }
        return new Answer(up ? 200 : 503, "application/json", json.append("]}\n").toString());
    }

    static String quote(String text) {
        StringBuilder quoted = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            switch (c) {
                case '"' -> quoted.append("\\\"");
                case '\\' -> quoted.append("\\\\");
                case '\n' -> quoted.append("\\n");
                case '\r' -> quoted.append("\\r");
                case '\t' -> quoted.append("\\t");
                default -> {
                    if (c < 0x20) {
                        quoted.append(String.format("\\u%04x", (int) c));
                    } else {
                        quoted.append(c);
                    }
                }
            }
        }
        return quoted.append('"').toString();
    }

    record Answer(int status, String contentType, String body) {
    }
}
