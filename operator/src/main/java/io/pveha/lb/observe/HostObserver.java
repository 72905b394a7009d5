package io.pveha.lb.observe;

import io.pveha.lb.HostLayout;
import io.pveha.lb.LbHost;
import io.pveha.lb.render.Values;
import io.pveha.lb.ssh.CommandResult;
import io.pveha.lb.ssh.HostChannel;
import io.pveha.lb.ssh.HostChannelException;
import io.pveha.lb.ssh.RemoteCommand;
import io.pveha.lb.ssh.Shell;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads a host's state with one SSH command: VIP addresses on the interface, whether keepalived
 * (parent and VRRP child) and haproxy are alive, what keepalived's notify script last recorded,
 * haproxy's server states from its stats socket, the hashes of the managed files, and
 * ip_nonlocal_bind. It never changes anything. Process liveness is checked by pid file plus
 * /proc/PID/comm, because after a crash the pid file and the notify state file both still claim the
 * daemon is there.
 */
public final class HostObserver {
    /**
     * Shell functions and checks; the variables are assigned from quoted arguments in front of it.
     */
    static final String SCRIPT_BODY =
            Shell.ALIVE_FUNCTION
                    + """
            if [ "$manager" = auto ]; then
                if [ -d /run/systemd/system ]; then manager=systemd; else manager=direct; fi
            fi
            echo "@@manager $manager"
            echo "@@addr $(ip -br -4 addr show dev "$iface" 2>/dev/null || echo NO-SUCH-INTERFACE)"
            if [ "$manager" = systemd ]; then
                if systemctl is-active --quiet keepalived; then echo "@@keepalived up"; else echo "@@keepalived down"; fi
                if systemctl is-active --quiet haproxy; then echo "@@haproxy up"; else echo "@@haproxy down"; fi
            else
                if alive "$kpid" keepalived && alive "$vpid" keepalived; then echo "@@keepalived up"; else echo "@@keepalived down"; fi
                if alive "$hpid" haproxy; then echo "@@haproxy up"; else echo "@@haproxy down"; fi
            fi
            echo "@@stats"
            echo 'show info;show stat -1 4 -1' | socat -t 1 -T 1 stdio "UNIX-CONNECT:$stats" 2>/dev/null
            echo "@@files"
            sha256sum -- "$@" 2>/dev/null
            vrrp=; read -r vrrp < "$state" 2>/dev/null
            echo "@@vrrp $vrrp"
            if [ -e "$pending" ]; then echo "@@pending yes"; fi
            nonlocal=; read -r nonlocal < /proc/sys/net/ipv4/ip_nonlocal_bind 2>/dev/null
            echo "@@nonlocal $nonlocal"
            """;

    private final Duration timeout;

    public HostObserver(Duration timeout) {
        this.timeout = timeout;
    }

    /**
     * @param serviceManager "auto", "systemd" or "direct"
     * @param managedPaths the files whose hashes make up the applied config hash
     */
    public HostObservation observe(
            HostChannel channel, LbHost host, String serviceManager, List<String> managedPaths)
            throws HostChannelException {
        CommandResult result =
                channel.run(command(host, serviceManager, managedPaths).withTimeout(timeout));
        return parse(result.stdout());
    }

    static RemoteCommand command(LbHost host, String serviceManager, List<String> managedPaths) {
        HostLayout layout = host.layout();
        if (!List.of("auto", "systemd", "direct").contains(serviceManager)) {
            throw new IllegalArgumentException("service manager must be auto, systemd or direct");
        }
        List<Object> args =
                new ArrayList<>(
                        List.of(
                                serviceManager,
                                Values.interfaceName("interfaceName", host.interfaceName()),
                                layout.haproxyPidFile(),
                                layout.keepalivedPidFile(),
                                layout.vrrpPidFile(),
                                layout.haproxyStatsSocket(),
                                layout.vrrpStateFile(),
                                layout.applyPendingFile()));
        managedPaths.forEach(p -> args.add(Values.path("managed file", p)));
        String template =
                "manager={}; iface={}; hpid={}; kpid={}; vpid={}; stats={}; state={}; pending={}\n"
                        + "set --"
                        + " {}".repeat(managedPaths.size())
                        + "\n"
                        + SCRIPT_BODY;
        return RemoteCommand.of(template, args.toArray());
    }

    /**
     * Output: "@@key value" lines, and two sections whose lines are raw command output: after
     * "@@stats" haproxy's answer to show info and show stat, after "@@files" sha256sum's lines.
     */
    static HostObservation parse(String output) {
        String manager = "direct";
        boolean iface = false;
        List<String> addresses = new ArrayList<>();
        boolean keepalived = false;
        boolean haproxy = false;
        String workerPid = null;
        String vrrpState = null;
        String vrrpSince = null;
        List<String> statLines = new ArrayList<>();
        Map<String, String> hashes = new HashMap<>();
        boolean nonlocal = false;
        boolean pending = false;
        String section = "";
        for (String line : output.split("\n")) {
            if (!line.startsWith("@@")) {
                if (section.equals("stats")) {
                    if (line.startsWith("Pid: ")) {
                        workerPid = line.substring(5).strip();
                    } else if (line.startsWith("# pxname")
                            || (!statLines.isEmpty() && line.contains(","))) {
                        statLines.add(line);
                    }
                } else if (section.equals("files")) {
                    String[] parts = line.strip().split("\\s+", 2);
                    if (parts.length == 2 && parts[0].matches("[0-9a-f]{64}")) {
                        hashes.put(parts[1], parts[0]);
                    }
                }
                continue;
            }
            int space = line.indexOf(' ');
            String key = space < 0 ? line.substring(2) : line.substring(2, space);
            String value = space < 0 ? "" : line.substring(space + 1).strip();
            section = key;
            switch (key) {
                case "manager" -> manager = value;
                case "addr" -> {
                    iface = !value.equals("NO-SUCH-INTERFACE") && !value.isEmpty();
                    addresses.addAll(addressesOf(value));
                }
                case "keepalived" -> keepalived = value.equals("up");
                case "haproxy" -> haproxy = value.equals("up");
                case "vrrp" -> {
                    String[] parts = value.split("\\s+");
                    vrrpState = parts[0].isEmpty() ? null : parts[0].toUpperCase(Locale.ROOT);
                    vrrpSince = parts.length > 1 ? parts[1] : null;
                }
                case "nonlocal" -> nonlocal = value.equals("1");
                case "pending" -> pending = true;
                default -> {
                    // "stats", "files": sections; anything else comes from a newer script: ignored
                }
            }
        }
        return new HostObservation(
                manager,
                iface,
                addresses,
                keepalived,
                haproxy,
                workerPid != null,
                workerPid,
                vrrpState,
                vrrpSince,
                parseStat(statLines),
                hashes,
                nonlocal,
                pending);
    }

    /** "eth0@if12 UP 10.0.0.11/24 10.0.0.10/24" → the CIDR tokens. */
    private static List<String> addressesOf(String briefLine) {
        String[] tokens = briefLine.strip().split("\\s+");
        List<String> result = new ArrayList<>();
        for (int i = 2; i < tokens.length; i++) {
            if (tokens[i].matches("[0-9.]+/[0-9]+")) {
                result.add(tokens[i]);
            }
        }
        return result;
    }

    /**
     * haproxy's CSV: a "# pxname,svname,..." header, then one line per server. Columns are found by
     * name.
     */
    static List<ServerState> parseStat(List<String> lines) {
        if (lines.isEmpty() || !lines.get(0).startsWith("# ")) {
            return List.of();
        }
        List<String> header = List.of(lines.get(0).substring(2).split(",", -1));
        int px = header.indexOf("pxname");
        int sv = header.indexOf("svname");
        int status = header.indexOf("status");
        int addr = header.indexOf("addr");
        if (px < 0 || sv < 0 || status < 0) {
            return List.of();
        }
        List<ServerState> servers = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] cells = line.split(",", -1);
            if (cells.length <= Math.max(status, Math.max(px, sv))
                    || cells[sv].equals("FRONTEND")
                    || cells[sv].equals("BACKEND")) {
                continue;
            }
            servers.add(
                    new ServerState(
                            cells[px],
                            cells[sv],
                            addr >= 0 && addr < cells.length ? cells[addr] : null,
                            cells[status]));
        }
        return Collections.unmodifiableList(servers);
    }
}
