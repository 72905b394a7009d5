package io.pveha.reconciler.vm;

import io.pveha.cluster.ClusterConnection;
import io.pveha.cluster.ClusterKey;
import io.pveha.cluster.ClusterSnapshot;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Hands out VMIDs without a PVE call: the lowest VMID from {@link #FIRST} up that the cluster's
 * last poll does not list, no other HaVm holds in its spec or status, and was not handed out
 * recently (the informer cache may lag a status write). PVE cannot reserve a VMID ({@code
 * /cluster/nextid} only names the lowest free one, and asking it per VM would cost a call per VM),
 * so allocation is serialised per cluster here, and a VMID stays reserved from the moment it is
 * handed out until the poll lists the VM. The create call itself is the final check: PVE refuses a
 * VMID that exists ("already exists"), and the HaVm then gives the VMID back and takes another.
 */
public final class VmidAllocator {
    /** PVE's lowest guest id. */
    static final int FIRST = 100;

    /**
     * Upper bound of probes for one allocation: a long run of reserved VMIDs means something is
     * wrong.
     */
    static final int MAX_PROBES = 100_000;

    private final Map<ClusterKey, Map<Integer, String>> recent = new ConcurrentHashMap<>();

    /**
     * @param claimedElsewhere VMIDs other HaVms (or drills) of the cluster hold in spec or status
     * @param holder the UID of the resource asking
     */
    public int allocate(
            ClusterConnection connection,
            ClusterSnapshot snapshot,
            Set<Integer> claimedElsewhere,
            String holder) {
        Map<Integer, String> handedOut =
                recent.computeIfAbsent(connection.key(), k -> new ConcurrentHashMap<>());
        synchronized (handedOut) {
            handedOut.keySet().removeIf(vmid -> snapshot.vm(vmid).isPresent());
            for (int candidate = FIRST, probes = 0; probes < MAX_PROBES; probes++, candidate++) {
                String owner = handedOut.get(candidate);
                if (holder.equals(owner)) {
                    return candidate;
                }
                boolean taken =
                        owner != null
                                || claimedElsewhere.contains(candidate)
                                || snapshot.vm(candidate).isPresent();
                if (!taken) {
                    handedOut.put(candidate, holder);
                    return candidate;
                }
            }
            throw new IllegalStateException("no free VMID found after " + MAX_PROBES + " probes");
        }
    }

    /**
     * A VMID PVE said exists though the last poll did not list it: not handed out again until a
     * poll lists it.
     */
    public void taken(ClusterKey cluster, int vmid) {
        recent.computeIfAbsent(cluster, k -> new ConcurrentHashMap<>())
                .put(vmid, "(exists in PVE)");
    }

    /**
     * Forgets a VMID handed out to a resource that no longer needs it (deleted, or gave up before
     * creating).
     */
    public void release(ClusterKey cluster, int vmid) {
        Map<Integer, String> handedOut = recent.get(cluster);
        if (handedOut != null) {
            handedOut.remove(vmid);
        }
    }
}
