package io.pveha.simulator.model;

import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What a vzdump archive holds besides its bytes: the guest config at backup time (restore recreates
 * the VM from it), the {@code .notes} and {@code .protected} companion files, and whether the
 * archive is damaged (fault injection; restore and verify then fail as with a truncated file).
 *
 * @param vmid the guest backed up
 * @param subtype {@code qemu} (the simulator backs up VMs only)
 * @param config the VM config as vzdump stored it ({@code qemu-server.conf} inside the archive)
 * @param diskSizes bytes per disk key ({@code scsi0}), to allocate on restore
 * @param notes first line of the notes file, or null
 * @param protect a {@code .protected} file exists: never pruned, never deleted
 * @param corrupted the archive is unreadable
 */
public record BackupArchive(
        int vmid,
        String subtype,
        SortedMap<String, String> config,
        Map<String, Long> diskSizes,
        String notes,
        boolean protect,
        boolean corrupted) {

    public BackupArchive {
        config = new TreeMap<>(config);
        diskSizes = Map.copyOf(diskSizes);
    }

    public BackupArchive withNotes(String value) {
        return new BackupArchive(vmid, subtype, config, diskSizes, value, protect, corrupted);
    }

    public BackupArchive withProtected(boolean value) {
        return new BackupArchive(vmid, subtype, config, diskSizes, notes, value, corrupted);
    }

    public BackupArchive withCorrupted(boolean value) {
        return new BackupArchive(vmid, subtype, config, diskSizes, notes, protect, value);
    }
}
