package io.pveha.monitoring;

import io.pveha.api.monitoring.Severity;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One message the engine wants delivered, in both languages; receivers render it in their format.
 *
 * @param receivers the route's answer for its labels
 * @param alerts the alerts it is about (the webhook payload lists them)
 */
public record Outgoing(
        Kind kind,
        Severity severity,
        Text title,
        List<Text> lines,
        List<String> receivers,
        List<AlertRef> alerts,
        Instant at) {

    /** What the message says happened. */
    public enum Kind {
        FIRING,
        RESOLVED,
        REMINDER,
        INCIDENT,
        FOLLOW_UP,
        FLAPPING,
        TEST
    }

    /** An alert as a message lists it. */
    public record AlertRef(
            String alertname,
            String subject,
            String status,
            Map<String, String> labels,
            Text summary,
            Instant startsAt,
            Instant endsAt) {}
}
