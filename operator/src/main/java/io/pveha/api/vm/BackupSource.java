package io.pveha.api.vm;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.pveha.api.ObjectRef;
import io.pveha.api.Patterns;

/** A backup to restore: a volume, or the latest good backup a BackupPolicy made of this VM. */
@ValidationRule(
        value = "has(self.volume) != has(self.policyRef)",
        message = "set exactly one of source.backup.volume or source.backup.policyRef")
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public class BackupSource {
    @Size(max = 255)
    @Pattern(Patterns.PVE_BACKUP_VOLUME)
    @JsonPropertyDescription(
            "Backup volume id, e.g. nfs-backup:backup/vzdump-qemu-101-2026_11_23-02_00_03.vma.zst.")
    private String volume;

    @JsonPropertyDescription("Restore the latest good backup this BackupPolicy made of the VM.")
    private ObjectRef policyRef;

    @Size(max = 64)
    @Pattern(Patterns.PVE_STORAGE_ID)
    @JsonPropertyDescription("Storage for the restored disks (default: as in the backup).")
    private String storage;

    public String getVolume() {
        return volume;
    }

    public void setVolume(String volume) {
        this.volume = volume;
    }

    public ObjectRef getPolicyRef() {
        return policyRef;
    }

    public void setPolicyRef(ObjectRef policyRef) {
        this.policyRef = policyRef;
    }

    public String getStorage() {
        return storage;
    }

    public void setStorage(String storage) {
        this.storage = storage;
    }
}
