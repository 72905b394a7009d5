package io.pveha.lb;

import io.pveha.lb.render.Values;

/**
 * Where the operator's files live on one balancer host. Only three locations are configurable;
 * every other file is derived from them, so two "hosts" sharing one filesystem (the lab) stay apart
 * when their three locations differ.
 */
public record HostLayout(String haproxyConfig, String keepalivedConfig, String runDir) {
    public static final String DEFAULT_HAPROXY_CONFIG = "/etc/haproxy/haproxy.cfg";
    public static final String DEFAULT_KEEPALIVED_CONFIG = "/etc/keepalived/keepalived.conf";
    public static final String DEFAULT_RUN_DIR = "/run/pveha";

    public HostLayout {
        Values.path("paths.haproxyConfig", haproxyConfig);
        Values.path("paths.keepalivedConfig", keepalivedConfig);
        Values.path("paths.runDir", runDir);
        if (keepalivedConfig.lastIndexOf('/') == 0) {
            throw new IllegalArgumentException(
                    "paths.keepalivedConfig must be inside a directory, not in /");
        }
    }

    public static HostLayout defaults() {
        return new HostLayout(DEFAULT_HAPROXY_CONFIG, DEFAULT_KEEPALIVED_CONFIG, DEFAULT_RUN_DIR);
    }

    /**
     * The scripts keepalived runs sit next to its configuration: root-owned and persistent, as
     * script security requires.
     */
    public String keepalivedDir() {
        return keepalivedConfig.substring(0, keepalivedConfig.lastIndexOf('/'));
    }

    public String notifyScript() {
        return keepalivedDir() + "/pveha-notify.sh";
    }

    public String checkScript() {
        return keepalivedDir() + "/pveha-check-haproxy.sh";
    }

    public String haproxyPidFile() {
        return runDir + "/haproxy.pid";
    }

    public String haproxyMasterSocket() {
        return runDir + "/haproxy-master.sock";
    }

    public String haproxyStatsSocket() {
        return runDir + "/haproxy.sock";
    }

    /** Servers' health and admin states, saved before a reload and loaded by the new workers. */
    public String haproxyStateFile() {
        return runDir + "/haproxy.state";
    }

    public String haproxyLog() {
        return runDir + "/haproxy.log";
    }

    public String keepalivedPidFile() {
        return runDir + "/keepalived.pid";
    }

    public String vrrpPidFile() {
        return runDir + "/keepalived-vrrp.pid";
    }

    public String keepalivedLog() {
        return runDir + "/keepalived.log";
    }

    /**
     * Exists from the moment an apply starts installing files until it verified the daemons run
     * them; if an apply is cut off in between, the next pass sees it and applies again.
     */
    public String applyPendingFile() {
        return runDir + "/apply.pending";
    }

    /** One line, "STATE TIMESTAMP", rewritten by the notify script on every VRRP transition. */
    public String vrrpStateFile() {
        return runDir + "/vrrp.state";
    }

    /** Every transition, appended by the notify script (the last 500 are kept). */
    public String vrrpHistoryFile() {
        return runDir + "/vrrp.history";
    }
}
