package io.pveha.monitoring;

/** One state machine: an alert about one subject, e.g. (NodeOffline, node/pve2). */
public record AlertKey(String alertname, String subject) {
    @Override
    public String toString() {
        return alertname + " " + subject;
    }
}
