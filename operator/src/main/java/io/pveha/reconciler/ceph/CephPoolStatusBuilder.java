package io.pveha.reconciler.ceph;

import io.pveha.api.ceph.CephPool;
import io.pveha.api.ceph.CephPoolStatus;
import io.pveha.pve.PveApiException;
import io.pveha.pve.model.CephPoolEntry;
import io.pveha.reconciler.CommonReason;
import io.pveha.reconciler.Conditions;
import io.pveha.reconciler.Copies;
import io.pveha.reconciler.Reason;
import io.pveha.reconciler.Redactor;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Locale;
import java.util.Optional;

/**
 * Builds a CephPool's status in one place: observed settings and usage from the facts, conditions
 * from the plan.
 */
final class CephPoolStatusBuilder {
    static final String DELETION_BLOCKED = "DeletionBlocked";

    private CephPoolStatusBuilder() {}

    static CephPoolStatus build(
            CephPool pool,
            CephPoolStatus previous,
            CephPoolFacts facts,
            CephPoolPlanner.Plan plan,
            Instant now) {
        CephPoolStatus status = Copies.copyOrNew(previous, CephPoolStatus.class);
        long generation = generation(pool);
        status.setObservedGeneration(generation);
        String name = CephPoolSettings.poolName(pool);
        if (plan.claim()) {
            status.setPoolName(name);
        }
        if (plan.ended().isPresent()) {
            status.setPendingTask(null);
        }
        if (facts.cluster().usable()) {
            status.setHealthChecks(new ArrayList<>(facts.healthChecks()));
            if (facts.poolsKnown()) {
                observe(
                        status,
                        facts.pool().filter(p -> CephPoolPlanner.owned(pool, status)),
                        facts.rbdStorage() ? name : null);
            }
        }
        facts.deletion().ifPresent(d -> status.setImages(new ArrayList<>(d.images())));
        Conditions.ready(status, plan.reason(), plan.ready(), plan.message(), generation, now);
        if (plan.blocked().isPresent()) {
            status.setConditions(
                    Conditions.set(
                            status.getConditions(),
                            DELETION_BLOCKED,
                            Conditions.TRUE,
                            CephPoolReason.DeletionBlocked.name(),
                            Redactor.scrub(plan.blocked().get()),
                            generation,
                            now));
        } else if (plan.action()
                .filter(a -> a instanceof CephPoolPlanner.DestroyPool)
                .isPresent()) {
            status.setConditions(
                    Conditions.set(
                            status.getConditions(),
                            DELETION_BLOCKED,
                            Conditions.FALSE,
                            CephPoolReason.Deleting.name(),
                            "nothing blocks the deletion",
                            generation,
                            now));
        }
        return status;
    }

    /** The status of a pass that stopped before observing (paused, invalid spec). */
    static CephPoolStatus stopped(
            CephPool pool, CephPoolStatus previous, Reason reason, String message, Instant now) {
        CephPoolStatus status = Copies.copyOrNew(previous, CephPoolStatus.class);
        status.setObservedGeneration(generation(pool));
        Conditions.ready(status, reason, false, message, generation(pool), now);
        return status;
    }

    /** PVE refused or failed a call of this pass: said in Ready, the rest of the status stays. */
    static CephPoolStatus apiError(
            CephPool pool, CephPoolStatus built, PveApiException e, Instant now) {
        CephPoolStatus status = Copies.copyOrNew(built, CephPoolStatus.class);
        Conditions.ready(status, CommonReason.ApiError, false, e.describe(), generation(pool), now);
        return status;
    }

    /** The node's task slots are all taken: nothing was recorded or started. */
    static CephPoolStatus waitingForSlot(
            CephPool pool, CephPoolStatus built, String node, Instant now) {
        CephPoolStatus status = Copies.copyOrNew(built, CephPoolStatus.class);
        Conditions.ready(
                status,
                CephPoolReason.WaitingForTaskSlot,
                false,
                "node " + node + " runs as many operator tasks as allowed; waiting",
                generation(pool),
                now);
        return status;
    }

    private static void observe(
            CephPoolStatus status, Optional<CephPoolEntry> pool, String storage) {
        if (pool.isEmpty()) {
            status.setPoolId(null);
            status.setObserved(null);
            status.setUsage(null);
            status.setStorage(null);
            return;
        }
        CephPoolEntry p = pool.get();
        status.setPoolId(p.poolId());
        CephPoolStatus.Observed o = new CephPoolStatus.Observed();
        o.setSize(p.size());
        o.setMinSize(p.minSize());
        o.setPgNum(p.pgNum());
        o.setPgAutoscaleMode(p.pgAutoscaleMode());
        o.setApplication(p.applications().isEmpty() ? null : String.join(",", p.applications()));
        o.setCrushRule(p.crushRuleName());
        o.setTargetSize(p.targetSize() == null ? null : p.targetSize().toString());
        o.setTargetSizeRatio(p.targetSizeRatio() == null ? null : p.targetSizeRatio().toString());
        status.setObserved(o);
        CephPoolStatus.Usage usage = new CephPoolStatus.Usage();
        usage.setBytesUsed(p.bytesUsed() == null ? 0L : p.bytesUsed());
        usage.setPercentUsed(percent(p.percentUsed()));
        status.setUsage(usage);
        status.setStorage(storage);
    }

    static String percent(Double fraction) {
        return String.format(Locale.ROOT, "%.1f%%", fraction == null ? 0.0 : fraction * 100);
    }

    private static long generation(CephPool pool) {
        return pool.getMetadata().getGeneration() == null ? 0 : pool.getMetadata().getGeneration();
    }
}
