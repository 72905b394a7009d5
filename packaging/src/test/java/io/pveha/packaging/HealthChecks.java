package io.pveha.packaging;

import io.pveha.reconciler.Reason;
import io.pveha.reconciler.Reasons;
import io.pveha.reconciler.backup.BackupPolicyReason;
import io.pveha.reconciler.ceph.CephPoolReason;
import io.pveha.reconciler.cluster.ProxmoxClusterReason;
import io.pveha.reconciler.lb.LbReason;
import io.pveha.reconciler.vm.HaVmReason;
import io.pveha.testing.Fixtures;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The Argo CD health checks in {@code argocd/}: one {@code health.lua} per kind, made here from the
 * operator's reason vocabularies (each reason's {@link Reason.Health}), and the argocd-cm snippet
 * that installs them. {@code ArgoHealthChecksTest} fails when the committed files differ from what
 * this makes; {@code -Dpveha.update=true} on that test writes them.
 */
final class HealthChecks {
    static final String GROUP = "pveha.io";

    /** Every kind with its whole vocabulary (its own reasons and the common ones). */
    static final Map<String, List<Reason>> KINDS = kinds();

    private HealthChecks() {}

    private static Map<String, List<Reason>> kinds() {
        Map<String, List<Reason>> out = new LinkedHashMap<>();
        out.put("ProxmoxCluster", Reasons.vocabulary(ProxmoxClusterReason.class));
        out.put("HaVm", Reasons.vocabulary(HaVmReason.class));
        out.put("CephPool", Reasons.vocabulary(CephPoolReason.class));
        out.put("LoadBalancerPair", Reasons.vocabulary(LbReason.class));
        out.put("BackupPolicy", Reasons.vocabulary(BackupPolicyReason.class));
        return out;
    }

    static Path root() {
        return Fixtures.repoRoot().resolve("argocd");
    }

    static Path kindDir(String kind) {
        return root().resolve("resource_customizations").resolve(GROUP).resolve(kind);
    }

    /**
     * Argo CD's health status for a Ready condition with this reason; null for Event-only reasons.
     */
    static String argoStatus(Reason.Health health) {
        return switch (health) {
            case HEALTHY -> "Healthy";
            case PROGRESSING -> "Progressing";
            case DEGRADED -> "Degraded";
            case SUSPENDED -> "Suspended";
            case EVENT -> null;
        };
    }

    static String script(String kind) {
        Map<String, String> table = new TreeMap<>();
        for (Reason reason : KINDS.get(kind)) {
            String status = argoStatus(reason.health());
            if (status != null) {
                String previous = table.put(reason.name(), status);
                if (previous != null && !previous.equals(status)) {
                    throw new IllegalStateException(
                            kind
                                    + ": "
                                    + reason.name()
                                    + " is both "
                                    + previous
                                    + " and "
                                    + status);
                }
            }
        }
        StringBuilder lua = new StringBuilder();
        lua.append("-- Argo CD health check for ")
                .append(GROUP)
                .append("/")
                .append(kind)
                .append(" (pve-ha-operator).\n")
                .append("-- Made from the operator's reasons (CommonReason and ")
                .append(kind.equals("LoadBalancerPair") ? "Lb" : kind)
                .append(
                        "Reason, each with its health) by packaging/src/test/java/io/pveha/packaging/HealthChecks.java;\n")
                .append(
                        "-- ArgoHealthChecksTest fails when this file is out of date. Plain Lua 5.1 with only the base and table\n")
                .append(
                        "-- libraries: what Argo CD gives health scripts from argocd-cm (no useOpenLibs needed).\n")
                .append("local reasons = {\n");
        table.forEach(
                (name, status) ->
                        lua.append("  ")
                                .append(name)
                                .append(" = \"")
                                .append(status)
                                .append("\",\n"));
        lua.append("}\n").append(BODY);
        return lua.toString();
    }

    private static final String BODY =
            """
            local hs = {}
            local meta = obj.metadata or {}
            local annotations = meta.annotations or {}
            if annotations["pveha.io/paused"] == "true" then
              hs.status = "Suspended"
              hs.message = "Paused by the annotation pveha.io/paused: the operator does not act on this resource"
              return hs
            end
            local status = obj.status
            if status == nil then
              hs.status = "Progressing"
              hs.message = "Waiting for the operator to report a status"
              return hs
            end
            local generation = meta.generation
            if generation ~= nil and status.observedGeneration ~= nil and status.observedGeneration < generation then
              hs.status = "Progressing"
              hs.message = "Waiting for the operator to act on generation " .. generation
              return hs
            end
            local ready = nil
            if status.conditions ~= nil then
              for _, condition in ipairs(status.conditions) do
                if condition.type == "Ready" then
                  ready = condition
                end
              end
            end
            if ready == nil then
              hs.status = "Progressing"
              hs.message = "Waiting for the Ready condition"
              return hs
            end
            if generation ~= nil and ready.observedGeneration ~= nil and ready.observedGeneration < generation then
              hs.status = "Progressing"
              hs.message = "Waiting for the operator to act on generation " .. generation
              return hs
            end
            local reason = ready.reason or ""
            local message = ready.message
            if message == nil or message == "" then
              message = reason
            end
            local class = reasons[reason]
            if class == "Healthy" then
              if ready.status == "True" then
                hs.status = "Healthy"
              else
                hs.status = "Progressing"
              end
            elseif class ~= nil then
              hs.status = class
            elseif ready.status == "True" then
              hs.status = "Healthy"
            else
              hs.status = "Unknown"
              message = "Ready is " .. (ready.status or "unset") .. " with a reason this check does not know (" .. reason .. "): " .. message
            end
            hs.message = message
            return hs
            """;

    /**
     * The argocd-cm keys that install every check, as a merge patch for the ConfigMap argocd-cm.
     */
    static String argocdCmPatch() {
        StringBuilder out = new StringBuilder();
        out.append(
                        "# Argo CD health checks for the pve-ha-operator's custom resources. Merge into argocd-cm:\n")
                .append(
                        "#   kubectl -n argocd patch configmap argocd-cm --type merge --patch-file argocd/argocd-cm-health.yaml\n")
                .append(
                        "# Made from argocd/resource_customizations/pveha.io/*/health.lua (ArgoHealthChecksTest checks it).\n")
                .append("data:\n");
        for (String kind : KINDS.keySet()) {
            out.append("  resource.customizations.health.")
                    .append(GROUP)
                    .append("_")
                    .append(kind)
                    .append(": |\n");
            script(kind)
                    .lines()
                    .forEach(line -> out.append(line.isEmpty() ? "" : "    " + line).append("\n"));
        }
        return out.toString();
    }

    /**
     * A test case of health_test.yaml: a resource (its Ready condition, annotations, generations)
     * and the expected health.
     */
    record Case(String file, String status, String message, String yaml) {}

    static String resource(
            String kind,
            String name,
            long generation,
            Long observed,
            String readyStatus,
            String reason,
            String message,
            boolean paused) {
        StringBuilder y = new StringBuilder();
        y.append("apiVersion: pveha.io/v1alpha1\nkind: ")
                .append(kind)
                .append("\nmetadata:\n  name: ")
                .append(name)
                .append("\n  namespace: store-platform\n  generation: ")
                .append(generation)
                .append("\n");
        if (paused) {
            y.append("  annotations:\n    pveha.io/paused: \"true\"\n");
        }
        if (readyStatus != null) {
            long obs = observed == null ? generation : observed;
            y.append("status:\n  observedGeneration: ")
                    .append(obs)
                    .append("\n  conditions:\n")
                    .append("    - type: Ready\n      status: \"")
                    .append(readyStatus)
                    .append("\"\n      reason: ")
                    .append(reason)
                    .append("\n      message: \"")
                    .append(message.replace("\"", "\\\""))
                    .append("\"\n      observedGeneration: ")
                    .append(obs)
                    .append("\n      lastTransitionTime: \"2026-11-24T00:38:21Z\"\n");
        }
        return y.toString();
    }

    /**
     * The cases of each kind: healthy, a step in progress, what needs a person, paused, stale
     * generation, no status.
     */
    static List<Case> cases(String kind) {
        List<Case> out = new java.util.ArrayList<>();
        String pausedMessage =
                "Paused by the annotation pveha.io/paused: the operator does not act on this resource";
        switch (kind) {
            case "ProxmoxCluster" -> {
                out.add(
                        c(
                                kind,
                                "healthy",
                                "Healthy",
                                "True",
                                "Ready",
                                "PVE 8.4.1, 3/3 nodes online, Ceph HEALTH_OK"));
                out.add(
                        c(
                                kind,
                                "progressing-connecting",
                                "Progressing",
                                "False",
                                "Connecting",
                                "waiting for the first poll"));
                out.add(
                        c(
                                kind,
                                "degraded-authentication",
                                "Degraded",
                                "False",
                                "AuthenticationFailed",
                                "PVE refused the API token pveha@pve!operator (401): check the Secret pve-api-token"));
                out.add(
                        c(
                                kind,
                                "degraded-no-quorum",
                                "Degraded",
                                "False",
                                "NoQuorum",
                                "1/3 nodes online: the cluster has no quorum"));
            }
            case "HaVm" -> {
                out.add(
                        c(
                                kind,
                                "healthy",
                                "Healthy",
                                "True",
                                "Ready",
                                "VM 201 running on pve1 (HA started)"));
                out.add(
                        c(
                                kind,
                                "progressing-cloning",
                                "Progressing",
                                "False",
                                "Cloning",
                                "cloning VM 9000 to 201 on pve1"));
                out.add(
                        c(
                                kind,
                                "progressing-ha-recovering",
                                "Progressing",
                                "False",
                                "HaRecovering",
                                "pve2 failed: PVE HA is moving vm:202 (fence)"));
                out.add(
                        c(
                                kind,
                                "degraded-task-failed",
                                "Degraded",
                                "False",
                                "TaskFailed",
                                "qmclone of VM 201 failed: storage 'vm-pool' does not exist"));
                out.add(
                        c(
                                kind,
                                "degraded-change-refused",
                                "Degraded",
                                "False",
                                "ChangeRefused",
                                "spec.disks[0].sizeGiB 32 → 16: disks only grow"));
                out.add(
                        c(
                                kind,
                                "degraded-invalid-spec",
                                "Degraded",
                                "False",
                                "InvalidSpec",
                                "spec.vmid: Invalid value: 50: spec.vmid in body should be greater than or equal to 100"));
            }
            case "CephPool" -> {
                out.add(
                        c(
                                kind,
                                "healthy",
                                "Healthy",
                                "True",
                                "Synced",
                                "pool vm-pool (id 3): size 3/2, 128 PGs, 6.0% used; Ceph HEALTH_OK"));
                out.add(
                        c(
                                kind,
                                "progressing-creating",
                                "Progressing",
                                "False",
                                "Creating",
                                "creating pool vm-pool"));
                out.add(
                        c(
                                kind,
                                "degraded-refused",
                                "Degraded",
                                "False",
                                "Refused",
                                "size 2 with min_size 2: one failed OSD would block I/O"));
                out.add(
                        c(
                                kind,
                                "degraded-deletion-blocked",
                                "Degraded",
                                "False",
                                "DeletionBlocked",
                                "deletionPolicy is Delete, but the annotation pveha.io/confirm-delete does not name the pool; set it to 'vm-pool' to destroy the pool"));
            }
            case "LoadBalancerPair" -> {
                out.add(
                        c(
                                kind,
                                "healthy",
                                "Healthy",
                                "True",
                                "Ready",
                                "VIP 10.20.0.10 on lb1; 2/2 backends up"));
                out.add(
                        c(
                                kind,
                                "progressing-pending",
                                "Progressing",
                                "False",
                                "Pending",
                                "applying the configuration to lb1 and lb2"));
                out.add(
                        c(
                                kind,
                                "degraded-split-brain",
                                "Degraded",
                                "False",
                                "SplitBrain",
                                "both lb1 and lb2 hold the VIP 10.20.0.10"));
                out.add(
                        c(
                                kind,
                                "degraded-host-unreachable",
                                "Degraded",
                                "False",
                                "HostUnreachable",
                                "lb2: connection refused (10.20.0.6:22)"));
            }
            case "BackupPolicy" -> {
                out.add(
                        c(
                                kind,
                                "healthy",
                                "Healthy",
                                "True",
                                "Ready",
                                "job pveha-32caa697dcf1d74d backs up 4 VM(s) to nfs-backup"));
                out.add(
                        c(
                                kind,
                                "progressing-creating",
                                "Progressing",
                                "False",
                                "Creating",
                                "setting up: creating NFS storage nfs-backup"));
                out.add(
                        c(
                                kind,
                                "degraded-last-run-failed",
                                "Degraded",
                                "False",
                                "LastRunFailed",
                                "the 02:00 run failed for VM 301: no space left on device"));
                out.add(
                        c(
                                kind,
                                "degraded-drill-failed",
                                "Degraded",
                                "False",
                                "DrillFailed",
                                "restore drill of VM 301 failed: the restored VM did not boot"));
            }
            default -> throw new IllegalArgumentException(kind);
        }
        String name = "example";
        out.add(
                new Case(
                        "suspended-paused.yaml",
                        "Suspended",
                        pausedMessage,
                        resource(
                                kind,
                                name,
                                2,
                                2L,
                                "False",
                                "ReconciliationPaused",
                                "reconciliation is paused by the annotation pveha.io/paused; remove it to resume",
                                true)));
        out.add(
                new Case(
                        "progressing-stale-generation.yaml",
                        "Progressing",
                        "Waiting for the operator to act on generation 3",
                        resource(
                                kind,
                                name,
                                3,
                                2L,
                                "True",
                                readyReason(kind),
                                "was Ready at generation 2",
                                false)));
        out.add(
                new Case(
                        "progressing-no-status.yaml",
                        "Progressing",
                        "Waiting for the operator to report a status",
                        resource(kind, name, 1, null, null, null, null, false)));
        return out;
    }

    private static String readyReason(String kind) {
        return kind.equals("CephPool") ? "Synced" : "Ready";
    }

    private static Case c(
            String kind,
            String file,
            String status,
            String readyStatus,
            String reason,
            String message) {
        return new Case(
                file + ".yaml",
                status,
                message,
                resource(kind, "example", 4, 4L, readyStatus, reason, message, false));
    }

    static String healthTest(String kind) {
        StringBuilder out = new StringBuilder("tests:\n");
        for (Case c : cases(kind)) {
            out.append("  - healthStatus:\n      status: ")
                    .append(c.status())
                    .append("\n      message: \"")
                    .append(c.message().replace("\\", "\\\\").replace("\"", "\\\""))
                    .append("\"\n    inputPath: testdata/")
                    .append(c.file())
                    .append("\n");
        }
        return out.toString();
    }
}
