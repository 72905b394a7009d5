package io.pveha.statuspage;

import io.pveha.api.backup.BackupPolicy;
import io.pveha.api.ceph.CephPool;
import io.pveha.api.cluster.ProxmoxCluster;
import io.pveha.api.lb.LoadBalancerPair;
import io.pveha.api.vm.HaVm;
import java.util.List;

/**
 * Where the status page reads the platform from: the resources with their status, as the operator's
 * informer caches hold them. Reading costs no call to Kubernetes, PVE or a balancer host, and works
 * on every replica (JOSDK starts the informers before leader election; only the leader reconciles
 * and writes status, every replica sees it).
 */
public interface StatusSource {
    /** One consistent-enough read of every kind (each list from its cache, at the time of call). */
    Objects read();

    /** The resources the page is made of. */
    record Objects(
            List<ProxmoxCluster> clusters,
            List<HaVm> haVms,
            List<CephPool> cephPools,
            List<LoadBalancerPair> loadBalancers,
            List<BackupPolicy> backups) {
        public static Objects empty() {
            return new Objects(List.of(), List.of(), List.of(), List.of(), List.of());
        }

        /**
         * Changes whenever a resource is added, removed or written (its resourceVersion changes).
         */
        public String fingerprint() {
            StringBuilder b = new StringBuilder();
            for (List<? extends io.fabric8.kubernetes.api.model.HasMetadata> list :
                    List.of(clusters, haVms, cephPools, loadBalancers, backups)) {
                for (var r : list) {
                    b.append(r.getKind())
                            .append('/')
                            .append(r.getMetadata().getNamespace())
                            .append('/')
                            .append(r.getMetadata().getName())
                            .append('@')
                            .append(r.getMetadata().getResourceVersion())
                            .append(';');
                }
            }
            return b.toString();
        }
    }
}
