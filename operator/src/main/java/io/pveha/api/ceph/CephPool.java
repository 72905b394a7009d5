package io.pveha.api.ceph;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;
import io.pveha.api.Pveha;

/**
 * A Ceph pool of the cluster's hyperconverged Ceph, managed through the PVE API, optionally with
 * its RBD storage.
 */
@Group(Pveha.GROUP)
@Version(Pveha.VERSION)
@ShortNames({"pvepool"})
@Categories(Pveha.CATEGORY)
@AdditionalPrinterColumn(
        name = "Pool",
        jsonPath = ".status.poolName",
        type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
        name = "Size",
        jsonPath = ".status.observed.size",
        type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(
        name = "Min",
        jsonPath = ".status.observed.minSize",
        type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(
        name = "PGs",
        jsonPath = ".status.observed.pgNum",
        type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(
        name = "Used",
        jsonPath = ".status.usage.percentUsed",
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
        name = "Age",
        jsonPath = ".metadata.creationTimestamp",
        type = AdditionalPrinterColumn.Type.DATE)
public class CephPool extends CustomResource<CephPoolSpec, CephPoolStatus> implements Namespaced {
    public static final String KIND = "CephPool";
}
