package io.pveha.statuspage;

import io.pveha.statuspage.PlatformView.AlertView;
import io.pveha.statuspage.PlatformView.BackendView;
import io.pveha.statuspage.PlatformView.BackupView;
import io.pveha.statuspage.PlatformView.CheckView;
import io.pveha.statuspage.PlatformView.ClusterView;
import io.pveha.statuspage.PlatformView.DisasterRecoveryView;
import io.pveha.statuspage.PlatformView.IncidentView;
import io.pveha.statuspage.PlatformView.Issue;
import io.pveha.statuspage.PlatformView.LbHostView;
import io.pveha.statuspage.PlatformView.Level;
import io.pveha.statuspage.PlatformView.LoadBalancerView;
import io.pveha.statuspage.PlatformView.MaintenanceView;
import io.pveha.statuspage.PlatformView.NodeView;
import io.pveha.statuspage.PlatformView.PoolView;
import io.pveha.statuspage.PlatformView.Segment;
import io.pveha.statuspage.PlatformView.StorageView;
import io.pveha.statuspage.PlatformView.TimelineEntry;
import io.pveha.statuspage.PlatformView.VmBackupView;
import io.pveha.statuspage.PlatformView.VmView;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The page as HTML, rendered on the server so that it reads without JavaScript. Every value is
 * escaped; there is no inline script or style (the Content-Security-Policy forbids both), no
 * external asset. Status is always a word and an icon besides a colour. The {@code <main>} element
 * is what a live update replaces.
 */
final class StatusPageHtml {
    static final int HISTORY_CELLS = 48;
    static final Duration CELL = Recorder.WINDOW.dividedBy(HISTORY_CELLS);
    static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("MM-dd HH:mm:ss", Locale.ROOT);
    static final DateTimeFormatter SHORT = DateTimeFormatter.ofPattern("HH:mm", Locale.ROOT);

    /** The icon of each level (also in words beside it). */
    static final Map<Level, String> ICONS =
            Map.of(
                    Level.OPERATIONAL, "✓",
                    Level.UNDER_MAINTENANCE, "⚒",
                    Level.DEGRADED, "▲",
                    Level.PARTIAL_OUTAGE, "✖",
                    Level.MAJOR_OUTAGE, "⛔");

    private final Texts t;
    private final ZoneId zone;
    private final Instant now;
    private final StringBuilder b = new StringBuilder(16 * 1024);

    private StatusPageHtml(Texts t, ZoneId zone, Instant now) {
        this.t = t;
        this.zone = zone;
        this.now = now;
    }

    /** The whole document. */
    static String page(PlatformView view, Texts t, Instant now, int noScriptRefreshSeconds) {
        StatusPageHtml h = new StatusPageHtml(t, zoneOf(view), now);
        return h.document(view, noScriptRefreshSeconds);
    }

    /** The {@code <main>} element alone: the payload of a live update. */
    static String main(PlatformView view, Texts t, Instant now) {
        StatusPageHtml h = new StatusPageHtml(t, zoneOf(view), now);
        h.mainElement(view);
        return h.b.toString();
    }

    static String title(PlatformView view, Texts t) {
        return ICONS.get(view.verdict())
                + " "
                + t.get("verdict." + view.verdict().code())
                + " · "
                + t.get("page.title");
    }

    private static ZoneId zoneOf(PlatformView view) {
        try {
            return view.clusters().isEmpty()
                    ? ZoneId.of("Asia/Shanghai")
                    : ZoneId.of(view.clusters().get(0).timeZone());
        } catch (DateTimeException e) {
            return ZoneId.of("Asia/Shanghai");
        }
    }

    private String document(PlatformView view, int refresh) {
        b.append("<!DOCTYPE html>\n<html lang=\"")
                .append(t.tag())
                .append("\">\n<head>\n")
                .append("<meta charset=\"utf-8\">\n")
                .append(
                        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<meta name=\"referrer\" content=\"no-referrer\">\n")
                .append("<title>")
                .append(esc(title(view, t)))
                .append("</title>\n")
                .append("<link rel=\"stylesheet\" href=\"status.css\">\n")
                .append("<noscript><meta http-equiv=\"refresh\" content=\"")
                .append(refresh)
                .append("\"></noscript>\n")
                .append("<script src=\"status.js\" defer></script>\n")
                .append("</head>\n<body>\n<header class=\"top\">\n<div><h1>")
                .append(esc(t.get("page.title")))
                .append("</h1><p class=\"sub\">")
                .append(esc(t.get("page.subtitle")))
                .append("</p></div>\n<nav><span id=\"live\" class=\"live\" data-live=\"")
                .append(esc(t.get("page.live")))
                .append("\" data-reconnecting=\"")
                .append(esc(t.get("page.reconnecting")))
                .append("\"></span> <a href=\"?lang=")
                .append(esc(t.get("lang.other.tag")))
                .append("\" hreflang=\"")
                .append(esc(t.get("lang.other.tag")))
                .append("\">")
                .append(esc(t.get("lang.other")))
                .append("</a></nav>\n</header>\n");
        mainElement(view);
        b.append("\n<footer>\n<p>")
                .append(esc(t.get("page.readonly")))
                .append(" ")
                .append(esc(t.get("page.times", zone.getId())))
                .append("</p>\n<p>")
                .append(t.get("page.json", "<a href=\"status.json\">/status.json</a>"))
                .append("</p>\n<noscript><p>")
                .append(esc(t.get("page.noscript", refresh)))
                .append("</p></noscript>\n</footer>\n</body>\n</html>\n");
        return b.toString();
    }

    private void mainElement(PlatformView view) {
        b.append("<main id=\"content\" data-seq=\"")
                .append(view.seq())
                .append("\" data-verdict=\"")
                .append(view.verdict().code())
                .append("\" data-title=\"")
                .append(esc(title(view, t)))
                .append("\" data-events=\"status/events?lang=")
                .append(esc(t.tag()))
                .append("\">\n");
        // One line: is everything all right?
        b.append("<section id=\"verdict\" class=\"verdict ")
                .append(lvl(view.verdict()))
                .append("\" role=\"status\">")
                .append(icon(view.verdict()))
                .append("<strong>")
                .append(esc(t.get("verdict." + view.verdict().code())))
                .append("</strong><span class=\"meta\">")
                .append(esc(t.get("page.updated", time(view.updatedAt()))))
                .append(" · ")
                .append(esc(t.get("page.update", view.seq())))
                .append("</span></section>\n");
        var s = view.summary();
        b.append("<p class=\"summary\">")
                .append(
                        esc(
                                t.get(
                                        "summary",
                                        s.nodesOnline(),
                                        s.nodes(),
                                        s.vmsRunning(),
                                        s.vms(),
                                        s.openIncidents(),
                                        s.firingAlerts())))
                .append("</p>\n");
        if (!view.issues().isEmpty()) {
            b.append("<section id=\"issues\"><h2>")
                    .append(esc(t.get("issues.title")))
                    .append("</h2><ul class=\"issues\">");
            for (Issue i : view.issues()) {
                b.append("<li class=\"")
                        .append(lvl(i.level()))
                        .append("\" data-code=\"")
                        .append(esc(i.code()))
                        .append("\">")
                        .append(icon(i.level()))
                        .append(esc(t.get("issue." + i.code(), nz(i.subject()))))
                        .append(" <small>")
                        .append(esc(i.cluster()))
                        .append("</small></li>");
            }
            b.append("</ul></section>\n");
        }
        overview(view);
        for (ClusterView c : view.clusters()) {
            cluster(c, view.clusters().size() <= 3);
        }
        if (!view.unassignedLoadBalancers().isEmpty()) {
            b.append("<section class=\"cluster\"><h2>")
                    .append(esc(t.get("section.unassigned")))
                    .append("</h2>");
            for (LoadBalancerView lb : view.unassignedLoadBalancers()) {
                loadBalancer(lb);
            }
            b.append("</section>\n");
        }
        b.append("</main>");
    }

    private void overview(PlatformView view) {
        b.append("<section id=\"clusters\"><h2>")
                .append(esc(t.get("clusters.title")))
                .append("</h2>\n");
        if (view.clusters().isEmpty()) {
            b.append("<p>").append(esc(t.get("clusters.none"))).append("</p></section>\n");
            return;
        }
        b.append("<table class=\"grid overview\"><thead><tr>");
        for (String col :
                List.of(
                        "cluster",
                        "status",
                        "pve",
                        "quorum",
                        "nodes",
                        "ceph",
                        "storage",
                        "vms",
                        "lb",
                        "backup",
                        "incidents")) {
            b.append("<th scope=\"col\">").append(esc(t.get("col." + col))).append("</th>");
        }
        b.append("</tr></thead><tbody>\n");
        for (ClusterView c : view.clusters()) {
            b.append("<tr id=\"row-")
                    .append(id(c))
                    .append("\" class=\"")
                    .append(lvl(c.verdict()))
                    .append("\" data-cluster=\"")
                    .append(esc(c.key()))
                    .append("\">");
            b.append("<th scope=\"row\" data-label=\"")
                    .append(esc(t.get("col.cluster")))
                    .append("\"><a href=\"#c-")
                    .append(id(c))
                    .append("\">")
                    .append(esc(c.name()))
                    .append("</a> <small>")
                    .append(esc(c.namespace()));
            if (c.clusterName() != null) {
                b.append(" · ").append(esc(c.clusterName()));
            }
            b.append("</small></th>");
            cell("status", icon(c.verdict()) + esc(t.get("verdict." + c.verdict().code())));
            cell(
                    "pve",
                    (c.pve().reachable()
                                    ? ok() + esc(t.get("pve.reachable"))
                                    : bad() + esc(t.get("pve.unreachable")))
                            + (c.pve().version() != null
                                    ? " <small>" + esc(c.pve().version()) + "</small>"
                                    : ""));
            cell(
                    "quorum",
                    c.quorate() == null
                            ? esc(t.get("unknown"))
                            : c.quorate()
                                    ? ok() + esc(t.get("quorum.yes"))
                                    : bad() + esc(t.get("quorum.no")));
            StringBuilder nodes = new StringBuilder();
            nodes.append(c.nodesOnline() == c.nodesTotal() ? ok() : bad())
                    .append(esc(t.get("nodes.online", c.nodesOnline(), c.nodesTotal())));
            nodes.append("<span class=\"chips\">");
            for (NodeView n : c.nodes()) {
                String st = nodeState(n);
                nodes.append(" <span class=\"chip ")
                        .append(st)
                        .append("\" data-node=\"")
                        .append(esc(n.name()))
                        .append("\" data-state=\"")
                        .append(st)
                        .append("\">")
                        .append(stateIcon(st))
                        .append(esc(n.name()))
                        .append(" ")
                        .append(esc(t.get("node." + st)))
                        .append(n.haState() != null ? " · HA " + esc(n.haState()) : "")
                        .append("</span>");
            }
            nodes.append("</span>");
            cell("nodes", nodes.toString());
            cell(
                    "ceph",
                    c.ceph() == null
                            ? esc(t.get("unknown"))
                            : ("HEALTH_OK".equals(c.ceph().health()) ? ok() : warn())
                                    + esc(c.ceph().health())
                                    + (c.ceph().checks().isEmpty()
                                            ? ""
                                            : " <small>"
                                                    + esc(String.join(", ", c.ceph().checks()))
                                                    + "</small>"));
            cell(
                    "storage",
                    c.storageMaxPercent() == null
                            ? esc(t.get("unknown"))
                            : meter(c.storageMaxPercent()));
            cell(
                    "vms",
                    (c.vmsRunning() == c.vmsTotal() ? ok() : bad())
                            + esc(t.get("vms.running", c.vmsRunning(), c.vmsTotal())));
            StringBuilder lbs = new StringBuilder();
            if (c.loadBalancers().isEmpty()) {
                lbs.append(esc(t.get("lb.none")));
            }
            for (LoadBalancerView lb : c.loadBalancers()) {
                boolean good =
                        lb.vipHolder() != null
                                && !lb.vipHolder().contains(",")
                                && lb.backendsUp() == lb.backendsTotal();
                lbs.append("<span class=\"lbline\" data-lb=\"")
                        .append(esc(lb.name()))
                        .append("\" data-holder=\"")
                        .append(esc(nz(lb.vipHolder())))
                        .append("\">")
                        .append(good ? ok() : warn())
                        .append(
                                esc(
                                        t.get(
                                                "lb.summary",
                                                lb.name(),
                                                lb.vipHolder() == null
                                                        ? t.get("lb.noholder")
                                                        : lb.vipHolder(),
                                                lb.backendsUp(),
                                                lb.backendsTotal())))
                        .append("</span> ");
            }
            cell("lb", lbs.toString());
            cell(
                    "backup",
                    c.backups().isEmpty()
                            ? esc(t.get("backup.none"))
                            : esc(
                                    t.get(
                                            "backup.summary",
                                            time(c.lastGoodBackup()),
                                            time(c.nextBackup()))));
            cell(
                    "incidents",
                    c.openIncidents() > 0
                            ? bad() + esc(t.get("incidents.open", c.openIncidents()))
                            : esc(t.get("incidents.none")));
            b.append("</tr>\n");
        }
        b.append("</tbody></table></section>\n");
    }

    private void cluster(ClusterView c, boolean open) {
        b.append("<section class=\"cluster\" id=\"c-")
                .append(id(c))
                .append("\">")
                .append("<details id=\"d-")
                .append(id(c))
                .append("\"")
                .append(open ? " open" : "")
                .append(">")
                .append("<summary><h2>")
                .append(icon(c.verdict()))
                .append(esc(c.namespace()))
                .append("/")
                .append(esc(c.name()))
                .append(" <small>")
                .append(esc(t.get("verdict." + c.verdict().code())))
                .append("</small></h2></summary>\n");
        incidents(c);
        alerts(c);
        nodes(c);
        vms(c);
        if (!c.loadBalancers().isEmpty()) {
            b.append("<h3>").append(esc(t.get("section.lbs"))).append("</h3>\n");
            for (LoadBalancerView lb : c.loadBalancers()) {
                loadBalancer(lb);
            }
        }
        backups(c);
        disasterRecovery(c);
        storage(c);
        maintenance(c);
        b.append("</details></section>\n");
    }

    private void incidents(ClusterView c) {
        b.append("<h3>").append(esc(t.get("section.incidents"))).append("</h3>\n");
        if (c.incidents().isEmpty()) {
            b.append("<p class=\"none\">")
                    .append(esc(t.get("incidents.nonelist")))
                    .append("</p>\n");
            return;
        }
        for (IncidentView i : c.incidents()) {
            Level l = i.open() ? Level.PARTIAL_OUTAGE : Level.OPERATIONAL;
            b.append("<article class=\"incident ")
                    .append(lvl(l))
                    .append("\" data-incident=\"")
                    .append(esc(i.id()))
                    .append("\" data-open=\"")
                    .append(i.open())
                    .append("\"><h4>")
                    .append(icon(l))
                    .append(esc(t.get("incident.title", i.node())))
                    .append(" <small>")
                    .append(esc(t.get(i.open() ? "incident.open" : "incident.resolved")))
                    .append("</small></h4>");
            if (!i.vms().isEmpty() || !i.backends().isEmpty()) {
                List<String> carried = new java.util.ArrayList<>(i.vms());
                carried.addAll(i.backends());
                b.append("<p>")
                        .append(esc(t.get("incident.carried", String.join(", ", carried))))
                        .append("</p>");
            }
            b.append("<ol class=\"timeline\">");
            for (TimelineEntry e : i.timeline()) {
                b.append("<li data-event=\"")
                        .append(esc(e.event()))
                        .append("\"><time datetime=\"")
                        .append(esc(nz(e.at())))
                        .append("\">")
                        .append(esc(time(e.at())))
                        .append("</time> ")
                        .append(
                                esc(
                                        t.get(
                                                "timeline." + e.event(),
                                                "vm_started".equals(e.event()) ? e.vm() : e.node(),
                                                e.node())))
                        .append("</li>");
            }
            b.append("</ol></article>\n");
        }
    }

    private void alerts(ClusterView c) {
        b.append("<h3>").append(esc(t.get("section.alerts"))).append("</h3>\n");
        if (c.alerts().isEmpty()) {
            b.append("<p class=\"none\">").append(esc(t.get("alerts.none"))).append("</p>\n");
            return;
        }
        table("alert", "subject", "severity", "state", "since", "summary");
        for (AlertView a : c.alerts()) {
            Level l =
                    !"firing".equals(a.state()) || a.muted()
                            ? Level.DEGRADED
                            : "critical".equals(a.severity())
                                    ? Level.PARTIAL_OUTAGE
                                    : Level.DEGRADED;
            b.append("<tr class=\"")
                    .append(lvl(l))
                    .append("\" data-alert=\"")
                    .append(esc(a.alertname()))
                    .append("\" data-subject=\"")
                    .append(esc(a.subject()))
                    .append("\">");
            cell("alert", esc(a.alertname()));
            cell("subject", esc(a.subject()));
            cell("severity", esc(a.severity()));
            cell(
                    "state",
                    icon(l)
                            + esc(t.get("alert." + a.state()))
                            + (a.muted() ? " · " + esc(t.get("alert.muted")) : ""));
            cell("since", esc(time(a.since())));
            cell("summary", esc(nz(a.summary())));
            b.append("</tr>\n");
        }
        b.append("</tbody></table>\n");
    }

    private void nodes(ClusterView c) {
        b.append("<h3>").append(esc(t.get("section.nodes"))).append("</h3>\n");
        table("node", "status", "ha", "cpu", "memory", "uptime", "history");
        for (NodeView n : c.nodes()) {
            String st = nodeState(n);
            b.append("<tr class=\"")
                    .append(st)
                    .append("\" data-node=\"")
                    .append(esc(n.name()))
                    .append("\" data-state=\"")
                    .append(st)
                    .append("\">");
            b.append("<th scope=\"row\" data-label=\"")
                    .append(esc(t.get("col.node")))
                    .append("\">")
                    .append(esc(n.name()))
                    .append("</th>");
            cell("status", stateIcon(st) + esc(t.get("node." + st)));
            cell("ha", esc(nz(n.haState())));
            cell("cpu", n.cpu() == null ? "" : esc(percent(n.cpu())));
            cell(
                    "memory",
                    n.memoryTotalBytes() == null
                            ? ""
                            : esc(gib(n.memoryUsedBytes()) + " / " + gib(n.memoryTotalBytes())));
            cell("uptime", n.uptimeSeconds() == null ? "" : esc(uptime(n.uptimeSeconds())));
            cell("history", bar(n.history()));
            b.append("</tr>\n");
        }
        b.append("</tbody></table>\n");
    }

    private void vms(ClusterView c) {
        b.append("<h3>").append(esc(t.get("section.vms"))).append("</h3>\n");
        table("name", "vmid", "node", "power", "ha", "ready", "checks");
        for (VmView v : c.haVms()) {
            boolean good = "True".equals(v.ready());
            b.append("<tr class=\"")
                    .append(good ? "ok" : "warn")
                    .append("\" data-vm=\"")
                    .append(esc(v.name()))
                    .append("\" data-node=\"")
                    .append(esc(nz(v.node())))
                    .append("\">");
            b.append("<th scope=\"row\" data-label=\"")
                    .append(esc(t.get("col.name")))
                    .append("\">")
                    .append(esc(v.name()))
                    .append(v.template() ? " <small>template</small>" : "")
                    .append("</th>");
            cell("vmid", v.vmid() == null ? "" : String.valueOf(v.vmid()));
            cell("node", esc(nz(v.node())));
            cell("power", esc(t.word("power", v.power())));
            cell("ha", esc(nz(v.haState())));
            cell("ready", (good ? ok() : warn()) + esc(nz(v.reason())));
            StringBuilder checks = new StringBuilder();
            for (CheckView ch : v.checks()) {
                String cls =
                        switch (ch.state()) {
                            case "ok" -> "ok";
                            case "down" -> "down";
                            case "failing" -> "warn";
                            default -> "idle";
                        };
                checks.append("<div class=\"check\" data-check=\"")
                        .append(esc(ch.name()))
                        .append("\" data-state=\"")
                        .append(esc(ch.state()))
                        .append("\"><span class=\"chip ")
                        .append(cls)
                        .append("\">")
                        .append(stateIcon(cls))
                        .append(esc(ch.name()))
                        .append(" ")
                        .append(esc(t.word("check", ch.state())))
                        .append("</span>")
                        .append(bar(ch.history()))
                        .append("</div>");
            }
            cell("checks", checks.toString());
            b.append("</tr>\n");
        }
        b.append("</tbody></table>\n");
    }

    private void loadBalancer(LoadBalancerView lb) {
        b.append("<article class=\"lb\" data-lb=\"")
                .append(esc(lb.name()))
                .append("\" data-holder=\"")
                .append(esc(nz(lb.vipHolder())))
                .append("\"><h4>")
                .append(esc(lb.name()))
                .append("</h4><p>")
                .append(
                        esc(
                                t.get(
                                        "lb.holder",
                                        nz(lb.vip()),
                                        lb.vipHolder() == null
                                                ? t.get("lb.noholder")
                                                : lb.vipHolder(),
                                        time(lb.vipHolderSince()))))
                .append(" · ")
                .append(esc(nz(lb.reason())))
                .append("</p>\n");
        table("host", "vrrp", "vip", "keepalived", "haproxy", "ssh");
        for (LbHostView h : lb.hosts()) {
            b.append("<tr data-host=\"")
                    .append(esc(h.name()))
                    .append("\" data-vrrp=\"")
                    .append(esc(nz(h.vrrpState())))
                    .append("\">");
            b.append("<th scope=\"row\" data-label=\"")
                    .append(esc(t.get("col.host")))
                    .append("\">")
                    .append(esc(h.name()))
                    .append("</th>");
            cell(
                    "vrrp",
                    ("MASTER".equals(h.vrrpState())
                                    ? ok()
                                    : "BACKUP".equals(h.vrrpState())
                                            ? "<span class=\"icon\" aria-hidden=\"true\">○</span>"
                                            : bad())
                            + esc(nz(h.vrrpState()))
                            + (h.vrrpStateSince() != null
                                    ? " <small>" + esc(time(h.vrrpStateSince())) + "</small>"
                                    : ""));
            cell("vip", yesNo(h.holdsVip()));
            cell("keepalived", upDown(h.keepalivedUp()));
            cell("haproxy", upDown(h.haproxyUp()));
            cell("ssh", upDown(h.reachable()));
            b.append("</tr>\n");
        }
        b.append("</tbody></table>\n");
        table("service", "server", "address", "havm", "state");
        for (BackendView be : lb.backends()) {
            String cls =
                    "UP".equals(be.state()) ? "ok" : "DOWN".equals(be.state()) ? "down" : "warn";
            b.append("<tr class=\"")
                    .append(cls)
                    .append("\" data-backend=\"")
                    .append(esc(be.server()))
                    .append("\" data-state=\"")
                    .append(esc(nz(be.state())))
                    .append("\">");
            cell("service", esc(be.service()));
            cell("server", esc(be.server()));
            cell("address", esc(nz(be.address())));
            cell("havm", esc(nz(be.haVm())));
            cell("state", stateIcon(cls) + esc(t.word("backend", be.state())));
            b.append("</tr>\n");
        }
        b.append("</tbody></table></article>\n");
    }

    private void backups(ClusterView c) {
        if (c.backups().isEmpty()) {
            return;
        }
        b.append("<h3>").append(esc(t.get("section.backups"))).append("</h3>\n");
        for (BackupView p : c.backups()) {
            b.append("<article class=\"backup\" data-policy=\"")
                    .append(esc(p.name()))
                    .append("\"><h4>")
                    .append(esc(p.name()))
                    .append(" <small>")
                    .append(esc(nz(p.reason())))
                    .append("</small></h4><p>")
                    .append(esc(t.get("backup.schedule", nz(p.schedule()), time(p.nextRun()))))
                    .append("<br>");
            b.append(
                    p.lastRun() == null
                            ? esc(t.get("backup.nolastrun"))
                            : esc(
                                    t.get(
                                            "backup.lastrun",
                                            nz(p.lastRun().result()),
                                            time(
                                                    p.lastRun().finishedAt() != null
                                                            ? p.lastRun().finishedAt()
                                                            : p.lastRun().startedAt()))));
            b.append("<br>");
            b.append(
                    p.drill() == null || p.drill().lastRun() == null
                            ? esc(t.get("backup.nodrill"))
                            : esc(
                                    t.get(
                                            "backup.drill",
                                            nz(p.drill().result()),
                                            time(
                                                    p.drill().finishedAt() != null
                                                            ? p.drill().finishedAt()
                                                            : p.drill().lastRun()))));
            if (!p.notCovered().isEmpty()) {
                b.append("<br>").append(esc(t.get("backup.notcovered", p.notCovered().toString())));
            }
            b.append("</p>\n");
            if (!p.vms().isEmpty()) {
                table("havm", "vmid", "lastgood", "count");
                for (VmBackupView v : p.vms()) {
                    b.append("<tr>");
                    cell("havm", esc(nz(v.haVm())));
                    cell("vmid", v.vmid() == null ? "" : String.valueOf(v.vmid()));
                    cell("lastgood", esc(time(v.lastGood())));
                    cell("count", v.count() == null ? "" : String.valueOf(v.count()));
                    b.append("</tr>\n");
                }
                b.append("</tbody></table>\n");
            }
            b.append("</article>\n");
        }
    }

    private void disasterRecovery(ClusterView c) {
        DisasterRecoveryView dr = c.disasterRecovery();
        if (dr == null) {
            return;
        }
        b.append("<h3>").append(esc(t.get("section.dr"))).append("</h3>\n");
        b.append("<article class=\"dr\" data-active=\"")
                .append(esc(dr.activeCluster()))
                .append("\" data-phase=\"")
                .append(esc(nz(dr.phase())))
                .append("\"><p>")
                .append(esc(t.get("dr.site", t.word("dr.role", dr.activeCluster()))));
        if (dr.otherRole() != null) {
            b.append("<br>")
                    .append(Boolean.TRUE.equals(dr.otherReachable()) ? ok() : warn())
                    .append(
                            esc(
                                    t.get(
                                            "dr.other",
                                            t.word("dr.role", dr.otherRole()),
                                            nz(dr.otherCluster()),
                                            t.get(
                                                    Boolean.TRUE.equals(dr.otherReachable())
                                                            ? "dr.reachable"
                                                            : "dr.unreachable"),
                                            nz(dr.otherNodes()))));
        }
        b.append("<br>");
        if (dr.phase() == null) {
            b.append(esc(t.get("dr.norecovery")));
        } else {
            boolean done = "Completed".equals(dr.phase());
            b.append(done ? ok() : bad())
                    .append(
                            esc(
                                    t.get(
                                            "dr.recovery",
                                            nz(dr.targetCluster()),
                                            t.word("dr.phase", dr.phase()),
                                            n(dr.vmsRestored()),
                                            n(dr.vmsTotal()),
                                            n(dr.vmsFailed()),
                                            dr.elapsedSeconds() == null
                                                    ? 0L
                                                    : dr.elapsedSeconds())));
            if (dr.stage() != null && !done) {
                b.append(" ").append(esc(t.get("dr.stage", dr.stage())));
            }
            if (dr.estimatedRemainingSeconds() != null && !done) {
                b.append(" ").append(esc(t.get("dr.eta", dr.estimatedRemainingSeconds())));
            }
        }
        b.append("</p></article>\n");
    }

    private static int n(Integer value) {
        return value == null ? 0 : value;
    }

    private void storage(ClusterView c) {
        if (c.storages().isEmpty() && c.cephPools().isEmpty()) {
            return;
        }
        b.append("<h3>").append(esc(t.get("section.storage"))).append("</h3>\n");
        if (!c.storages().isEmpty()) {
            table("storage", "type", "used");
            for (StorageView s : c.storages()) {
                b.append("<tr>");
                cell("storage", esc(s.name()));
                cell("type", esc(nz(s.type())));
                cell(
                        "used",
                        s.usedPercent() == null
                                ? ""
                                : meter(s.usedPercent())
                                        + " <small>"
                                        + esc(gib(s.usedBytes()) + " / " + gib(s.totalBytes()))
                                        + "</small>");
                b.append("</tr>\n");
            }
            b.append("</tbody></table>\n");
        }
        if (!c.cephPools().isEmpty()) {
            table("pool", "ready", "used", "health");
            for (PoolView p : c.cephPools()) {
                b.append("<tr>");
                cell("pool", esc(p.name()));
                cell("ready", ("True".equals(p.ready()) ? ok() : warn()) + esc(nz(p.reason())));
                cell("used", esc(nz(p.percentUsed())));
                cell("health", esc(String.join(", ", p.healthChecks())));
                b.append("</tr>\n");
            }
            b.append("</tbody></table>\n");
        }
    }

    private void maintenance(ClusterView c) {
        b.append("<h3>").append(esc(t.get("section.maintenance"))).append("</h3>\n");
        if (c.maintenance().isEmpty()) {
            b.append("<p class=\"none\">").append(esc(t.get("maintenance.none"))).append("</p>\n");
            return;
        }
        table("window", "schedule", "duration", "scope", "state", "next");
        for (MaintenanceView m : c.maintenance()) {
            b.append("<tr class=\"")
                    .append(m.open() ? "mnt" : "")
                    .append("\" data-window=\"")
                    .append(esc(m.name()))
                    .append("\">");
            cell("window", esc(m.name()));
            cell("schedule", esc(nz(m.schedule())));
            cell("duration", esc(t.get("minutes", m.durationMinutes())));
            List<String> scope = new java.util.ArrayList<>(m.nodes());
            scope.addAll(m.vms());
            cell("scope", esc(scope.isEmpty() ? "*" : String.join(", ", scope)));
            cell(
                    "state",
                    m.open()
                            ? stateIcon("mnt") + esc(t.get("maintenance.open"))
                            : esc(t.get("maintenance.closed")));
            cell("next", esc(time(m.nextStart())));
            b.append("</tr>\n");
        }
        b.append("</tbody></table>\n");
    }

    /**
     * A 24-hour bar: one cell per half hour, the worst state of the cell, in words in its title.
     */
    private String bar(List<Segment> history) {
        if (history.isEmpty()) {
            return "<span class=\"nohist\">" + esc(t.get("history.none")) + "</span>";
        }
        Instant start = now.minus(Recorder.WINDOW);
        StringBuilder out = new StringBuilder();
        long okMillis = 0;
        long knownMillis = 0;
        for (int i = 0; i < history.size(); i++) {
            Instant from = max(Instant.parse(history.get(i).from()), start);
            Instant to = i + 1 < history.size() ? Instant.parse(history.get(i + 1).from()) : now;
            long ms = Math.max(0, Duration.between(from, to).toMillis());
            knownMillis += ms;
            if (rank(history.get(i).state()) <= 1) {
                okMillis += ms;
            }
        }
        String pct =
                knownMillis == 0
                        ? "100%"
                        : String.format(Locale.ROOT, "%.1f%%", 100.0 * okMillis / knownMillis);
        String since = time(max(Instant.parse(history.get(0).from()), start).toString());
        String text = t.get("history.text", pct, since);
        out.append("<span class=\"bar\" role=\"img\" aria-label=\"")
                .append(esc(text))
                .append("\" title=\"")
                .append(esc(text))
                .append("\">");
        for (int cell = 0; cell < HISTORY_CELLS; cell++) {
            Instant from = start.plus(CELL.multipliedBy(cell));
            Instant to = from.plus(CELL);
            String worst = "none";
            for (int i = 0; i < history.size(); i++) {
                Instant sFrom = Instant.parse(history.get(i).from());
                Instant sTo =
                        i + 1 < history.size() ? Instant.parse(history.get(i + 1).from()) : now;
                if (sFrom.isBefore(to)
                        && sTo.isAfter(from)
                        && rank(history.get(i).state()) > rank(worst)) {
                    worst = history.get(i).state();
                }
            }
            out.append("<i class=\"h-")
                    .append(cssOf(worst))
                    .append("\" title=\"")
                    .append(esc(from.atZone(zone).format(SHORT) + " " + t.word("state", worst)))
                    .append("\"></i>");
        }
        out.append("</span><small class=\"histtext\">").append(esc(pct)).append("</small>");
        return out.toString();
    }

    private static int rank(String state) {
        return switch (state) {
            case "none" -> 0;
            case "ok", "online", "idle" -> 1;
            case "maintenance" -> 2;
            case "failing" -> 3;
            default -> 4; // offline, down
        };
    }

    private static String cssOf(String state) {
        return switch (state) {
            case "none" -> "none";
            case "ok", "online" -> "ok";
            case "idle" -> "idle";
            case "maintenance" -> "mnt";
            case "failing" -> "warn";
            default -> "down";
        };
    }

    private static String nodeState(NodeView n) {
        if (Boolean.TRUE.equals(n.online())) {
            return "maintenance".equals(n.haState()) ? "maintenance" : "online";
        }
        return n.history().isEmpty()
                ? "offline"
                : "maintenance".equals(n.history().get(n.history().size() - 1).state())
                        ? "maintenance"
                        : "offline";
    }

    private void table(String... cols) {
        b.append("<table class=\"grid\"><thead><tr>");
        for (String col : cols) {
            b.append("<th scope=\"col\">").append(esc(t.get("col." + col))).append("</th>");
        }
        b.append("</tr></thead><tbody>\n");
    }

    private void cell(String col, String html) {
        b.append("<td data-label=\"")
                .append(esc(t.get("col." + col)))
                .append("\">")
                .append(html)
                .append("</td>");
    }

    private String yesNo(Boolean v) {
        return v == null
                ? esc(t.get("unknown"))
                : v
                        ? ok() + esc(t.get("yes"))
                        : "<span class=\"icon\" aria-hidden=\"true\">–</span>" + esc(t.get("no"));
    }

    private String upDown(Boolean v) {
        return v == null ? esc(t.get("unknown")) : v ? ok() + "UP" : bad() + "DOWN";
    }

    private String meter(double percent) {
        String cls = percent >= 85 ? "down" : percent >= 70 ? "warn" : "ok";
        return "<meter class=\""
                + cls
                + "\" min=\"0\" max=\"100\" low=\"70\" high=\"85\" optimum=\"0\" value=\""
                + String.format(Locale.ROOT, "%.1f", percent)
                + "\"></meter> "
                + String.format(Locale.ROOT, "%.1f%%", percent);
    }

    private String time(String rfc3339) {
        if (rfc3339 == null || rfc3339.isBlank()) {
            return t.get("unknown");
        }
        try {
            return Instant.parse(rfc3339).atZone(zone).format(TIME);
        } catch (DateTimeException e) {
            return rfc3339;
        }
    }

    private static String lvl(Level l) {
        return "lvl-" + l.code();
    }

    private static String icon(Level l) {
        return "<span class=\"icon\" aria-hidden=\"true\">" + ICONS.get(l) + "</span>";
    }

    private static String stateIcon(String cls) {
        String icon =
                switch (cls) {
                    case "ok", "online" -> "✓";
                    case "down", "offline" -> "✖";
                    case "warn" -> "▲";
                    case "mnt", "maintenance" -> "⚒";
                    default -> "○";
                };
        return "<span class=\"icon\" aria-hidden=\"true\">" + icon + "</span>";
    }

    private static String ok() {
        return stateIcon("ok");
    }

    private static String bad() {
        return stateIcon("down");
    }

    private static String warn() {
        return stateIcon("warn");
    }

    private static String id(ClusterView c) {
        return (c.namespace() + "-" + c.name()).replaceAll("[^A-Za-z0-9_-]", "_");
    }

    private static Instant max(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }

    private static String percent(String fraction) {
        try {
            return String.format(Locale.ROOT, "%.0f%%", 100 * Double.parseDouble(fraction));
        } catch (NumberFormatException e) {
            return fraction;
        }
    }

    private static String gib(Long bytes) {
        return bytes == null ? "–" : String.format(Locale.ROOT, "%.1f GiB", bytes / 1073741824.0);
    }

    private static String uptime(long seconds) {
        long d = seconds / 86400;
        long h = seconds % 86400 / 3600;
        long m = seconds % 3600 / 60;
        return d > 0 ? d + "d " + h + "h" : h > 0 ? h + "h " + m + "m" : m + "m";
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }

    /** HTML escaping for text and attribute values. */
    static String esc(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            switch (ch) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(ch);
            }
        }
        return out.toString();
    }
}
