package io.pveha.simulator.ha;

import java.util.List;

/**
 * A snapshot of one service in the CRM's manager status, for assertions.
 *
 * @param state the CRM state ({@code started}, {@code fence}, {@code recovery}, ...)
 * @param node where the service is placed
 * @param target migration or relocation target, or null
 * @param running whether the LRM confirmed the start
 */
public record HaServiceView(
        String sid,
        String state,
        String node,
        String target,
        boolean running,
        List<String> failedNodes) {}
