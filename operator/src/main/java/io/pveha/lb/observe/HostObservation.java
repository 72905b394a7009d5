package io.pveha.lb.observe;

import io.pveha.lb.Hashes;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one balancer host looked like at one moment, read in a single SSH command. Facts only; what
 * they mean for the pair is decided by the reconciler.
 *
 * @param serviceManager "systemd" or "direct"
 * @param interfaceFound the VIP interface exists
 * @param addresses IPv4 addresses on that interface, as "a.b.c.d/len"
 * @param keepalivedUp the keepalived parent and its VRRP child are alive (or the systemd unit is
 *     active)
 * @param haproxyUp the haproxy master is alive (or the unit is active)
 * @param haproxyAnswering haproxy answered on its stats socket
 * @param haproxyWorkerPid the pid of the worker that answered, to tell a reload happened
 * @param vrrpState the notify script's last recorded state, null if it never ran; meaningless when
 *     keepalived is down
 * @param vrrpStateSince when that state was entered (host clock)
 * @param fileSha256 SHA-256 of each managed file that exists
 * @param nonlocalBind net.ipv4.ip_nonlocal_bind is 1 (haproxy can bind the VIP while not holding
 *     it)
 * @param applyPending an apply installed files but did not finish (the daemons may run older files)
 */
public record HostObservation(
        String serviceManager,
        boolean interfaceFound,
        List<String> addresses,
        boolean keepalivedUp,
        boolean haproxyUp,
        boolean haproxyAnswering,
        String haproxyWorkerPid,
        String vrrpState,
        String vrrpStateSince,
        List<ServerState> servers,
        Map<String, String> fileSha256,
        boolean nonlocalBind,
        boolean applyPending) {
    public HostObservation {
        addresses = List.copyOf(addresses);
        servers = List.copyOf(servers);
        fileSha256 = Map.copyOf(fileSha256);
    }

    public boolean holdsAddress(String ipv4) {
        return addresses.stream().anyMatch(a -> a.equals(ipv4) || a.startsWith(ipv4 + "/"));
    }

    /** The hash of the managed files as installed, or null when one of them is missing. */
    public String appliedHash(List<String> managedPaths) {
        Map<String, String> present = new LinkedHashMap<>();
        for (String path : managedPaths) {
            String hex = fileSha256.get(path);
            if (hex == null) {
                return null;
            }
            present.put(path, hex);
        }
        return Hashes.bundleHash(present);
    }
}
