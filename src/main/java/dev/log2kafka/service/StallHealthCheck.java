package dev.log2kafka.service;

import java.util.Map;

import dev.log2kafka.progress.StallWatch;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * Follow mode, liveness and readiness: DOWN once the follower has made no progress for --stall-timeout while its files
 * have bytes not shipped ({@link StallWatch}), so that systemd or Kubernetes restarts it; UP again once lines flow.
 */
public final class StallHealthCheck extends AbstractHealthCheck {

    private final StallWatch watch;

    public StallHealthCheck(StallWatch watch) {
        super("log2kafka", "follow");
        this.watch = watch;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        builder.detail("stalled.seconds", watch.stalledSeconds());
        if (watch.down()) {
            builder.message("No line acknowledged for " + watch.stalledSeconds() + " s while followed files have"
                    + " bytes not shipped");
            builder.down();
        } else {
            builder.up();
        }
    }
}
