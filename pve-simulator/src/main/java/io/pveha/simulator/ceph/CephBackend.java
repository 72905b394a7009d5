package io.pveha.simulator.ceph;

import java.util.List;
import java.util.Map;

/**
 * The Ceph cluster behind the simulated PVE, at the level PVE talks to it ({@code PVE::RADOS} mon
 * commands and {@code rbd}). {@link InMemoryCeph} is the default; {@link CliCephBackend} drives a
 * real cluster through the {@code ceph} CLI. Errors are {@link CephCommandException}s carrying the
 * monitor's message.
 */
public interface CephBackend {

    /**
     * {@code osd dump} pools merged with {@code df} statistics and autoscaler facts, in pool id
     * order.
     */
    List<CephPoolState> pools();

    /** {@code osd pool create <pool> <pg_num>}; like Ceph, a no-op when the pool exists. */
    void createPool(String pool, int pgNum);

    /** {@code osd pool set <pool> <var> <val>}. */
    void setPool(String pool, String variable, String value);

    /**
     * {@code osd pool application enable <pool> <app>} (without {@code --yes-i-really-mean-it}, as
     * PVE).
     */
    void enableApplication(String pool, String application);

    /** {@code osd pool delete <pool> <pool> --yes-i-really-really-mean-it}. */
    void deletePool(String pool);

    /** {@code rbd ls <pool>}: image names. */
    List<String> rbdImages(String pool);

    /** {@code status} with {@code health} replaced by {@code health detail}, as PVE returns it. */
    Map<String, Object> status();
}
