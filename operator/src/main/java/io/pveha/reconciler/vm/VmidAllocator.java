package io.pveha.reconciler.vm;

import io.pveha.cluster.ClusterConnection;
import io.pveha.cluster.ClusterKey;
import io.pveha.cluster.ClusterSnapshot;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Hands out VMIDs. PVE cannot reserve a VMID ({@code /cluster/nextid} only names the lowest free one),
 * so allocation is serialised per cluster here, and a VMID stays reserved from the moment it is
 * handed out until the VM exists in PVE: the reserved set is what other HaVms already hold in their
 * status or spec plus what was handed out recently (the informer cache may lag a status write).
 * The create call itself is the final check: PVE refuses an existing VMID.
 */
public final class VmidAllocator {
    /** Upper bound of probes for one allocation: a long run of reserved VMIDs means something is wrong. */
    static final int MAX_PROBES = 10_000;

    private final Map<ClusterKey, Map<Integer, String>> recent = new ConcurrentHashMap<>();

    /**
     * @param claimedElsewhere VMIDs other HaVms of the cluster hold in spec or status
     * @param holder           the UID of the HaVm asking
     */
    public int allocate(ClusterConnection connection, ClusterSnapshot snapshot, Set<Integer> claimedElsewhere, String holder) {
        Map<Integer, String> handedOut = recent.computeIfAbsent(connection.key(), k -> new ConcurrentHashMap<>());
        synchronized (handedOut) {
            handedOut.keySet().removeIf(vmid -> snapshot.vm(vmid).isPresent());
            int candidate = connection.vms().nextFreeVmid();
            for (int probes = 0; probes < MAX_PROBES; probes++, candidate++) {
                String owner = handedOut.get(candidate);
                boolean taken = (owner != null && !owner.equals(holder)) || claimedElsewhere.contains(candidate)
                        || snapshot.vm(candidate).isPresent();
                if (!taken && (probes == 0 || connection.vms().isVmidFree(candidate))) {
                    handedOut.put(candidate, holder);
                    return candidate;
                }
            }
            throw new IllegalStateException("no free VMID found after " + MAX_PROBES + " probes");
        }
    }

    /** Forgets a VMID handed out to a HaVm that no longer needs it (deleted, or the VMID turned out taken). */
    public void release(ClusterKey cluster, int vmid) {
        Map<Integer, String> handedOut = recent.get(cluster);
        if (handedOut != null) {
            handedOut.remove(vmid);
        }
    }
}
