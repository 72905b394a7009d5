package io.pveha.lb.render;

import io.pveha.lb.HostLayout;

/**
 * The two scripts keepalived runs. Their only variable parts are checked paths, written in single
 * quotes; everything else is fixed text, so a spec cannot put a command into them.
 */
public final class ScriptRenderer {
    /** keepalived calls it as: SCRIPT INSTANCE|GROUP NAME STATE PRIORITY. */
    public String notifyScript(HostLayout layout) {
        return """
                #!/bin/sh
                # Managed by pve-ha-operator. keepalived runs this on every VRRP state change
                # (arguments: INSTANCE|GROUP NAME STATE PRIORITY). It records the state with a UTC
                # timestamp, which the operator reads, and appends it to a bounded history.
                state_file=%s
                history_file=%s
                case "${3:-}" in
                    MASTER|BACKUP|FAULT|STOP) state="$3" ;;
                    *) state=UNKNOWN ;;
                esac
                now=$(date -u +%%Y-%%m-%%dT%%H:%%M:%%S.%%3NZ)
                printf '%%s %%s\\n' "$state" "$now" > "$state_file.tmp" && mv -f "$state_file.tmp" "$state_file"
                printf '%%s %%s priority=%%s\\n' "$now" "$state" "${4:-?}" >> "$history_file"
                if [ "$(wc -l < "$history_file")" -gt 1000 ]; then
                    tail -n 500 "$history_file" > "$history_file.tmp" && mv -f "$history_file.tmp" "$history_file"
                fi
                exit 0
                """
                .formatted(
                        quote(Values.path("vrrpStateFile", layout.vrrpStateFile())),
                        quote(Values.path("vrrpHistoryFile", layout.vrrpHistoryFile())));
    }

    /**
     * keepalived's track script: succeeds while the local haproxy answers on its stats socket and
     * has at least one server UP. It asks the local haproxy only, never the backends; requiring one
     * UP server keeps a returning master from taking the VIP before its haproxy has a server to
     * send traffic to (both hosts losing all servers lowers both priorities alike, so the VIP stays
     * put).
     */
    public String checkScript(HostLayout layout) {
        return """
                #!/bin/sh
                # Managed by pve-ha-operator. keepalived's track script: the local haproxy answers on its
                # stats socket and reports at least one server UP.
                stats=$(echo 'show stat -1 4 -1' | socat -t 1 -T 1 stdio %s 2>/dev/null) || exit 1
                printf '%%s\\n' "$stats" | awk -F, '$18 ~ /^UP/ { up = 1 } END { exit up ? 0 : 1 }'
                """
                .formatted(
                        quote(
                                "UNIX-CONNECT:"
                                        + Values.path("statsSocket", layout.haproxyStatsSocket())));
    }

    /**
     * Checked paths contain no quote; the quotes keep the shell from splitting or globbing them.
     */
    private static String quote(String checked) {
        return "'" + checked + "'";
    }
}
