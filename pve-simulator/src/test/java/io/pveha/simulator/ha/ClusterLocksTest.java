package io.pveha.simulator.ha;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ClusterLocksTest {
    private static final long TIMEOUT = 120_000;
    private final ClusterLocks locks = new ClusterLocks(TIMEOUT);

    @Test
    void holderRenewsOthersWaitUntilTheLockExpired() {
        assertThat(locks.acquire("ha_manager_lock", "node1", 0))
                .isEqualTo(ClusterLocks.Acquired.NEW);
        assertThat(locks.acquire("ha_manager_lock", "node1", 10_000))
                .isEqualTo(ClusterLocks.Acquired.RENEWED);
        assertThat(locks.acquire("ha_manager_lock", "node2", 10_000 + TIMEOUT))
                .isEqualTo(ClusterLocks.Acquired.NO);
        assertThat(locks.acquire("ha_manager_lock", "node2", 10_001 + TIMEOUT))
                .isEqualTo(ClusterLocks.Acquired.NEW);
        assertThat(locks.acquire("ha_manager_lock", "node1", 20_000 + TIMEOUT))
                .isEqualTo(ClusterLocks.Acquired.NO);
    }

    @Test
    void releasedLockIsFreeAtOnceButOnlyItsHolderMayRelease() {
        locks.acquire(ClusterLocks.agentLock("node3"), "node3", 0);
        assertThat(locks.release(ClusterLocks.agentLock("node3"), "node1", 1_000)).isFalse();
        assertThat(locks.release(ClusterLocks.agentLock("node3"), "node3", 1_000)).isTrue();
        assertThat(locks.acquire(ClusterLocks.agentLock("node3"), "node1", 2_000))
                .isEqualTo(ClusterLocks.Acquired.NEW);
        assertThat(locks.release("ha_manager_lock", "node1", 2_000)).as("nobody held it").isFalse();
    }
}
