package io.pveha.api.cluster;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;
import io.pveha.api.Pveha;

/** A Proxmox VE cluster the operator connects to; every other pveha.io resource names one. */
@Group(Pveha.GROUP)
@Version(Pveha.VERSION)
@ShortNames({"pvecluster", "pvec"})
@Categories(Pveha.CATEGORY)
@AdditionalPrinterColumn(
        name = "Version",
        jsonPath = ".status.version",
        type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
        name = "Nodes",
        jsonPath = ".status.nodesSummary",
        type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
        name = "Quorate",
        jsonPath = ".status.quorate",
        type = AdditionalPrinterColumn.Type.BOOLEAN)
@AdditionalPrinterColumn(
        name = "Ceph",
        jsonPath = ".status.ceph.health",
        type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
        name = "Ready",
        jsonPath = ".status.conditions[?(@.type==\"Ready\")].status",
        type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
        name = "Endpoint",
        jsonPath = ".status.activeEndpoint",
        type = AdditionalPrinterColumn.Type.STRING,
        priority = 1)
@AdditionalPrinterColumn(
        name = "Reason",
        jsonPath = ".status.conditions[?(@.type==\"Ready\")].reason",
        type = AdditionalPrinterColumn.Type.STRING,
        priority = 1)
@AdditionalPrinterColumn(
        name = "Site",
        jsonPath = ".status.disasterRecovery.activeCluster",
        type = AdditionalPrinterColumn.Type.STRING,
        priority = 1)
@AdditionalPrinterColumn(
        name = "Recovery",
        jsonPath = ".status.disasterRecovery.recovery.phase",
        type = AdditionalPrinterColumn.Type.STRING,
        priority = 1)
@AdditionalPrinterColumn(
        name = "Drill",
        jsonPath = ".status.disasterRecovery.drill.result",
        type = AdditionalPrinterColumn.Type.STRING,
        priority = 1)
@AdditionalPrinterColumn(
        name = "Age",
        jsonPath = ".metadata.creationTimestamp",
        type = AdditionalPrinterColumn.Type.DATE)
public class ProxmoxCluster extends CustomResource<ProxmoxClusterSpec, ProxmoxClusterStatus>
        implements Namespaced {
    public static final String KIND = "ProxmoxCluster";
}
