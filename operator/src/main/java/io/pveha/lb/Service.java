package io.pveha.lb;

import java.util.List;
import java.util.Locale;

/**
 * A balanced service: haproxy binds the VIP on {@code port} and spreads connections over {@code
 * servers}.
 */
public record Service(
        String name,
        int port,
        Mode mode,
        Balance balance,
        int retries,
        HealthCheck check,
        List<Server> servers) {
    public Service {
        servers = List.copyOf(servers);
    }

    public enum Mode {
        TCP,
        HTTP;

        public String keyword() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public enum Balance {
        ROUNDROBIN,
        LEASTCONN,
        SOURCE;

        public String keyword() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * How haproxy checks each server.
     *
     * @param httpPath path of an HTTP check (type HTTP only)
     * @param expectStatus the HTTP status a healthy server answers, or null for haproxy's default
     *     (2xx/3xx)
     */
    public record HealthCheck(
            Mode type,
            String httpPath,
            Integer expectStatus,
            int intervalMillis,
            int fall,
            int rise) {}

    /**
     * One backend server.
     *
     * @param haVm the HaVm it was selected from, or null for a static server
     */
    public record Server(String name, String address, int port, String haVm) {}
}
