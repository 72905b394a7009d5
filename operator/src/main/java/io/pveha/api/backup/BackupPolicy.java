package io.pveha.api.backup;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;
import io.pveha.api.Pveha;

/**
 * Scheduled vzdump backups of selected VMs to an NFS storage, with retention and restore drills.
 */
@Group(Pveha.GROUP)
@Version(Pveha.VERSION)
@ShortNames({"pvebackup", "pvebp"})
@Categories(Pveha.CATEGORY)
@AdditionalPrinterColumn(
        name = "Schedule",
        jsonPath = ".spec.schedule",
        type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
        name = "VMs",
        jsonPath = ".status.vmCount",
        type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(
        name = "Next Run",
        jsonPath = ".status.nextRun",
        type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
        name = "Last Result",
        jsonPath = ".status.lastRun.result",
        type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
        name = "Ready",
        jsonPath = ".status.conditions[?(@.type==\"Ready\")].status",
        type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
        name = "Job",
        jsonPath = ".status.jobId",
        type = AdditionalPrinterColumn.Type.STRING,
        priority = 1)
@AdditionalPrinterColumn(
        name = "Drill",
        jsonPath = ".status.drill.result",
        type = AdditionalPrinterColumn.Type.STRING,
        priority = 1)
@AdditionalPrinterColumn(
        name = "Age",
        jsonPath = ".metadata.creationTimestamp",
        type = AdditionalPrinterColumn.Type.DATE)
public class BackupPolicy extends CustomResource<BackupPolicySpec, BackupPolicyStatus>
        implements Namespaced {
    public static final String KIND = "BackupPolicy";
}
