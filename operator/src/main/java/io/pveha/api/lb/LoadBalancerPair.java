package io.pveha.api.lb;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;
import io.pveha.api.Pveha;

/** Two keepalived + haproxy hosts sharing a floating VIP in front of store-facing services. */
@Group(Pveha.GROUP)
@Version(Pveha.VERSION)
@ShortNames({"lbpair", "lbp"})
@Categories(Pveha.CATEGORY)
@AdditionalPrinterColumn(
        name = "VIP",
        jsonPath = ".spec.vip.address",
        type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
        name = "Master",
        jsonPath = ".status.vipHolder",
        type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
        name = "Backends",
        jsonPath = ".status.backendsSummary",
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
public class LoadBalancerPair extends CustomResource<LoadBalancerPairSpec, LoadBalancerPairStatus>
        implements Namespaced {
    public static final String KIND = "LoadBalancerPair";
}
