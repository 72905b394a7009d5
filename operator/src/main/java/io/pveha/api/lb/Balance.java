package io.pveha.api.lb;

/** Balancing algorithm. */
public enum Balance {
    roundrobin,
    leastconn,
    source
}
