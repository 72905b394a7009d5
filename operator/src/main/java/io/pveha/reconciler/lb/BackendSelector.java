package io.pveha.reconciler.lb;

import io.pveha.api.lb.Backends;
import io.pveha.api.lb.StaticServer;
import io.pveha.api.vm.HaVm;
import io.pveha.lb.Hashes;
import io.pveha.lb.Service;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Turns a service's backends into haproxy servers: the static servers as given, then the HaVms its
 * label selector picks, by name, each with the first usable IPv4 of {@code status.ipAddresses}. A
 * selected HaVm without such an address is listed as not yet routable and left out of the config.
 * The order is stable, so the rendered hash changes only when the set of servers does.
 */
final class BackendSelector {
    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
    private static final Pattern IPV4 =
            Pattern.compile(
                    "((25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])\\.){3}(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])");

    record Selection(List<Service.Server> servers, List<String> unroutable) {}

    private BackendSelector() {}

    /**
     * @param haVms the HaVms of the pair's namespace (and cluster), in any order
     */
    static Selection select(Backends backends, List<HaVm> haVms) {
        List<Service.Server> servers = new ArrayList<>();
        List<String> unroutable = new ArrayList<>();
        for (StaticServer s : backends.getStaticServers()) {
            servers.add(new Service.Server(s.getName(), s.getAddress(), s.getPort(), null));
        }
        if (backends.getHaVmSelector() != null) {
            List<HaVm> selected =
                    haVms.stream()
                            .filter(
                                    vm ->
                                            LabelSelectors.matches(
                                                    backends.getHaVmSelector(),
                                                    vm.getMetadata().getLabels()))
                            .sorted(Comparator.comparing(vm -> vm.getMetadata().getName()))
                            .toList();
            for (HaVm vm : selected) {
                String address = usableAddress(vm);
                if (address == null) {
                    unroutable.add(vm.getMetadata().getName());
                } else {
                    servers.add(
                            new Service.Server(
                                    serverName(vm.getMetadata().getName()),
                                    address,
                                    backends.getPort(),
                                    vm.getMetadata().getName()));
                }
            }
        }
        return new Selection(servers, unroutable);
    }

    /** The first IPv4 that is neither loopback nor link-local: guest agents also report those. */
    static String usableAddress(HaVm vm) {
        if (vm.getStatus() == null || vm.getStatus().getIpAddresses() == null) {
            return null;
        }
        for (String candidate : vm.getStatus().getIpAddresses()) {
            String ip = candidate == null ? "" : candidate.strip();
            int slash = ip.indexOf('/');
            if (slash > 0) {
                ip = ip.substring(0, slash);
            }
            if (IPV4.matcher(ip).matches()
                    && !ip.startsWith("127.")
                    && !ip.startsWith("169.254.")
                    && !ip.equals("0.0.0.0")) {
                return ip;
            }
        }
        return null;
    }

    /**
     * HaVm names are DNS subdomains; haproxy server names here are DNS labels, so dotted or long
     * names get a hash suffix.
     */
    static String serverName(String haVmName) {
        if (DNS_LABEL.matcher(haVmName).matches()) {
            return haVmName;
        }
        String base = haVmName.replaceAll("[^a-z0-9-]", "-");
        base = base.substring(0, Math.min(base.length(), 54)).replaceAll("^-+|-+$", "");
        return (base.isEmpty() ? "vm" : base)
                + "-"
                + Hashes.sha256Hex(haVmName.getBytes(StandardCharsets.UTF_8)).substring(0, 8);
    }
}
