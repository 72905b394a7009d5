package io.pveha.reconciler.vm;

import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

/**
 * What the operator remembers per HaVm between passes only to save PVE calls: losing it (a restart)
 * costs a call, never correctness. One small record per HaVm, keyed by UID, removed when the HaVm
 * goes.
 *
 * @param configCheckedAt when the VM's configuration was last compared with the spec
 * @param agentEnabled the VM has the QEMU guest agent enabled (from its configuration or its
 *     template's); null: unknown
 * @param ipsCheckedAt when the guest agent was last asked for the VM's addresses
 * @param agentFailures consecutive failures of the guest agent, for backing off
 * @param boot node and boot time at the last address check: a restart or move asks again
 * @param haMigrateRequestedAt when an HA migration was last requested (not repeated within a
 *     patience window)
 * @param configWrittenAt when the operator last wrote the VM's configuration itself (its tags
 *     included): a poll begun before that shows an older configuration than the operator knows
 */
record VmMemory(
        Instant configCheckedAt,
        Boolean agentEnabled,
        Instant ipsCheckedAt,
        int agentFailures,
        String boot,
        Instant haMigrateRequestedAt,
        Instant configWrittenAt) {
    static final VmMemory NONE = new VmMemory(null, null, null, 0, null, null, null);

    VmMemory configChecked(Instant at) {
        return new VmMemory(
                at,
                agentEnabled,
                ipsCheckedAt,
                agentFailures,
                boot,
                haMigrateRequestedAt,
                configWrittenAt);
    }

    /**
     * The operator wrote the configuration (with its ownership tags) at {@code at}: it is as
     * checked as a read.
     */
    VmMemory configWritten(Instant at) {
        return new VmMemory(
                at, agentEnabled, ipsCheckedAt, agentFailures, boot, haMigrateRequestedAt, at);
    }

    /**
     * Whether the operator's own configuration write is newer than a poll begun at {@code
     * polledAt}.
     */
    boolean wroteConfigAfter(Instant polledAt) {
        return configWrittenAt != null && configWrittenAt.isAfter(polledAt);
    }

    VmMemory agent(Boolean enabled) {
        return new VmMemory(
                configCheckedAt,
                enabled,
                ipsCheckedAt,
                agentFailures,
                boot,
                haMigrateRequestedAt,
                configWrittenAt);
    }

    VmMemory addressesAsked(Instant at, String bootSeen, boolean failed) {
        return new VmMemory(
                configCheckedAt,
                agentEnabled,
                at,
                failed ? agentFailures + 1 : 0,
                bootSeen,
                haMigrateRequestedAt,
                configWrittenAt);
    }

    VmMemory haMigrateRequested(Instant at) {
        return new VmMemory(
                configCheckedAt,
                agentEnabled,
                ipsCheckedAt,
                agentFailures,
                boot,
                at,
                configWrittenAt);
    }

    /** The memories of all HaVms of the operator. */
    static final class Store {
        private final Map<String, VmMemory> byUid = new ConcurrentHashMap<>();

        VmMemory get(String uid) {
            return byUid.getOrDefault(uid, NONE);
        }

        void update(String uid, UnaryOperator<VmMemory> change) {
            byUid.compute(uid, (k, v) -> change.apply(v == null ? NONE : v));
        }

        void forget(String uid) {
            byUid.remove(uid);
        }
    }
}
