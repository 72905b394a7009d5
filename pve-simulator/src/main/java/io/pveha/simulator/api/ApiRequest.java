package io.pveha.simulator.api;

import io.pveha.simulator.model.PveException;
import io.pveha.simulator.ops.Caller;
import java.util.Map;

/**
 * One API call after routing, authentication and parameter validation.
 *
 * @param method HTTP method
 * @param path path relative to {@code /api2/json}
 * @param params validated parameters (path, query and body merged)
 * @param auth who is calling
 * @param localNode the node whose API port received the request
 * @param executedOn the node that executes it (after PVE's proxying to {@code {node}})
 */
public record ApiRequest(
        String method,
        String path,
        Map<String, String> params,
        AuthInfo auth,
        String localNode,
        String executedOn) {

    public String param(String name) {
        return params.get(name);
    }

    public boolean has(String name) {
        return params.containsKey(name);
    }

    public boolean flag(String name) {
        return "1".equals(params.get(name));
    }

    /** A boolean that may be absent (null). */
    public Boolean optionalFlag(String name) {
        String value = params.get(name);
        return value == null ? null : value.equals("1");
    }

    public Integer optionalInt(String name) {
        String value = params.get(name);
        return value == null ? null : Integer.valueOf(value.trim());
    }

    public int intParam(String name) {
        String value = params.get(name);
        if (value == null) {
            throw PveException.param(name, "property is missing and it is not optional");
        }
        return Integer.parseInt(value.trim());
    }

    public int vmid() {
        return intParam("vmid");
    }

    public String node() {
        return params.get("node");
    }

    /** The caller as the guest operations see it. */
    public Caller caller() {
        return new Caller(executedOn, auth.authId());
    }
}
