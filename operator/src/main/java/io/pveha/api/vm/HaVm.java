package io.pveha.api.vm;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;
import io.pveha.api.Pveha;

/** A QEMU VM on a Proxmox VE cluster, optionally under PVE HA. */
@Group(Pveha.GROUP)
@Version(Pveha.VERSION)
@ShortNames({"hvm"})
@Categories(Pveha.CATEGORY)
@AdditionalPrinterColumn(
        name = "VMID",
        jsonPath = ".status.vmid",
        type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(
        name = "Node",
        jsonPath = ".status.node",
        type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
        name = "State",
        jsonPath = ".status.powerState",
        type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
        name = "HA",
        jsonPath = ".status.haState",
        type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
        name = "Ready",
        jsonPath = ".status.conditions[?(@.type==\"Ready\")].status",
        type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
        name = "Reason",
        jsonPath = ".status.conditions[?(@.type==\"Ready\")].reason",
        type = AdditionalPrinterColumn.Type.STRING,
        priority = 1)
@AdditionalPrinterColumn(
        name = "IP",
        jsonPath = ".status.ipAddresses[0]",
        type = AdditionalPrinterColumn.Type.STRING,
        priority = 1)
@AdditionalPrinterColumn(
        name = "Recovery",
        jsonPath = ".status.recovery.step",
        type = AdditionalPrinterColumn.Type.STRING,
        priority = 1)
@AdditionalPrinterColumn(
        name = "Age",
        jsonPath = ".metadata.creationTimestamp",
        type = AdditionalPrinterColumn.Type.DATE)
public class HaVm extends CustomResource<HaVmSpec, HaVmStatus> implements Namespaced {
    public static final String KIND = "HaVm";
}
