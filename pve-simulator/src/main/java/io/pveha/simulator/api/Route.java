package io.pveha.simulator.api;

/**
 * One API method.
 *
 * @param method HTTP method
 * @param template path template relative to {@code /api2/json}, e.g. {@code /nodes/{node}/status}
 * @param params parameter schema
 * @param access permission rule, checked before proxying
 * @param proxyToNode whether PVE proxies the call to the node named by the {@code node} parameter
 * @param allowToken false for methods API tokens may not call ({@code allowtoken => 0})
 * @param anonymous true for the few methods PVE answers without authentication
 * @param handler the work
 */
public record Route(
        String method,
        String template,
        ParamSpec params,
        Access access,
        boolean proxyToNode,
        boolean allowToken,
        boolean anonymous,
        Handler handler) {

    /**
     * Does the work of a method; runs under the state lock (read lock for GET, write lock
     * otherwise).
     */
    @FunctionalInterface
    public interface Handler {
        ApiResult handle(ApiRequest request);
    }

    /**
     * The key under which request statistics count this method, e.g. {@code GET
     * /nodes/{node}/status}.
     */
    public String statsKey() {
        return method + " " + template;
    }

    public static Builder get(String template) {
        return new Builder("GET", template);
    }

    public static Builder post(String template) {
        return new Builder("POST", template);
    }

    public static Builder put(String template) {
        return new Builder("PUT", template);
    }

    public static Builder delete(String template) {
        return new Builder("DELETE", template);
    }

    /**
     * Fluent construction; by default a method needs an authenticated caller and is not proxied.
     */
    public static final class Builder {
        private final String method;
        private final String template;
        private ParamSpec params = ParamSpec.create();
        private Access access = Access.anyUser();
        private boolean proxyToNode;
        private boolean allowToken = true;
        private boolean anonymous;

        private Builder(String method, String template) {
            this.method = method;
            this.template = template;
        }

        public Builder params(ParamSpec spec) {
            this.params = spec;
            return this;
        }

        public Builder access(Access rule) {
            this.access = rule;
            return this;
        }

        /** {@code proxyto => 'node'}. */
        public Builder proxied() {
            this.proxyToNode = true;
            return this;
        }

        public Builder noToken() {
            this.allowToken = false;
            return this;
        }

        public Builder anonymous() {
            this.anonymous = true;
            return this;
        }

        public Route handler(Handler handler) {
            return new Route(
                    method, template, params, access, proxyToNode, allowToken, anonymous, handler);
        }
    }
}
