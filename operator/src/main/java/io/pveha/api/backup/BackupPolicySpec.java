package io.pveha.api.backup;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.pveha.api.ObjectRef;
import io.pveha.api.Patterns;
import java.util.ArrayList;
import java.util.List;

@JsonInclude(JsonInclude.Include.NON_EMPTY)
public class BackupPolicySpec {
    @Required
    @ValidationRule(value = "self == oldSelf", message = "spec.clusterRef is immutable")
    private ObjectRef clusterRef;

    @Required
    @Size(max = 128)
    @Pattern(Patterns.PVE_CALENDAR_EVENT)
    @JsonPropertyDescription(
            "When backups run, in PVE calendar-event syntax, e.g. '*-*-* 02:00', 'mon..fri 22:30', '*/15'.")
    private String schedule;

    @Required private Selection selection;

    @Required private BackupStorage storage;

    @JsonPropertyDescription("snapshot (default, no downtime), suspend or stop.")
    private Mode mode;

    @JsonPropertyDescription("none, gzip, lzo or zstd (default zstd).")
    private Compression compression;

    @Required private Retention retention;

    @JsonPropertyDescription(
            "The PVE job runs on its schedule (default true); on-demand runs work either way.")
    private Boolean enabled;

    @Size(max = 1024)
    @Pattern(Patterns.PVE_NOTES_TEMPLATE)
    @JsonPropertyDescription(
            "Notes for each backup; PVE expands {{guestname}}, {{node}}, {{vmid}}, {{cluster}}.")
    private String notesTemplate;

    private Drill drill;

    public ObjectRef getClusterRef() {
        return clusterRef;
    }

    public void setClusterRef(ObjectRef clusterRef) {
        this.clusterRef = clusterRef;
    }

    public String getSchedule() {
        return schedule;
    }

    public void setSchedule(String schedule) {
        this.schedule = schedule;
    }

    public Selection getSelection() {
        return selection;
    }

    public void setSelection(Selection selection) {
        this.selection = selection;
    }

    public BackupStorage getStorage() {
        return storage;
    }

    public void setStorage(BackupStorage storage) {
        this.storage = storage;
    }

    public Mode getMode() {
        return mode;
    }

    public void setMode(Mode mode) {
        this.mode = mode;
    }

    public Compression getCompression() {
        return compression;
    }

    public void setCompression(Compression compression) {
        this.compression = compression;
    }

    public Retention getRetention() {
        return retention;
    }

    public void setRetention(Retention retention) {
        this.retention = retention;
    }

    public Boolean getEnabled() {
        return enabled;
    }

    public void setEnabled(Boolean enabled) {
        this.enabled = enabled;
    }

    public String getNotesTemplate() {
        return notesTemplate;
    }

    public void setNotesTemplate(String notesTemplate) {
        this.notesTemplate = notesTemplate;
    }

    public Drill getDrill() {
        return drill;
    }

    public void setDrill(Drill drill) {
        this.drill = drill;
    }

    /** Which VMs are backed up. */
    @ValidationRule(
            value =
                    "(has(self.haVmSelector) ? 1 : 0) + (has(self.vmids) && self.vmids.size() > 0 ? 1 : 0) + (has(self.all) && self.all ? 1 : 0) == 1",
            message = "set exactly one of selection.haVmSelector, selection.vmids or selection.all")
    @ValidationRule(
            value =
                    "!has(self.exclude) || self.exclude.size() == 0 || !has(self.vmids) || self.vmids.size() == 0",
            message =
                    "selection.exclude applies to haVmSelector or all, not to an explicit vmids list")
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public static class Selection {
        @JsonPropertyDescription(
                "HaVms (in this namespace and cluster) with these labels; kept current as VMs come and go.")
        private LabelSelector haVmSelector;

        @Size(max = 1000)
        private List<@Min(100) @Max(999999999) Integer> vmids = new ArrayList<>();

        @JsonPropertyDescription("Every VM of the cluster.")
        private Boolean all;

        @Size(max = 1000)
        private List<@Min(100) @Max(999999999) Integer> exclude = new ArrayList<>();

        public LabelSelector getHaVmSelector() {
            return haVmSelector;
        }

        public void setHaVmSelector(LabelSelector haVmSelector) {
            this.haVmSelector = haVmSelector;
        }

        public List<Integer> getVmids() {
            return vmids;
        }

        public void setVmids(List<Integer> vmids) {
            this.vmids = vmids;
        }

        public Boolean getAll() {
            return all;
        }

        public void setAll(Boolean all) {
            this.all = all;
        }

        public List<Integer> getExclude() {
            return exclude;
        }

        public void setExclude(List<Integer> exclude) {
            this.exclude = exclude;
        }
    }

    /**
     * Where backups go: an existing storage, or an NFS export the operator defines as a PVE
     * storage.
     */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public static class BackupStorage {
        @Required
        @Size(max = 64)
        @Pattern(Patterns.PVE_STORAGE_ID)
        private String name;

        @JsonPropertyDescription(
                "Define the storage as this NFS export (content backup) if it does not exist.")
        private Nfs nfs;

        public String getName() {
            return name;
        }

        public void setName(String name) {
            this.name = name;
        }

        public Nfs getNfs() {
            return nfs;
        }

        public void setNfs(Nfs nfs) {
            this.nfs = nfs;
        }
    }

    /** An NFS export. */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public static class Nfs {
        @Required
        @Size(max = 253)
        @Pattern(Patterns.HOST)
        private String server;

        @Required
        @Size(max = 255)
        @Pattern(Patterns.ABSOLUTE_PATH)
        private String export;

        @Size(max = 255)
        @Pattern("^[A-Za-z0-9=,._-]*$")
        @JsonPropertyDescription("NFS mount options, e.g. vers=4.2.")
        private String options;

        public String getServer() {
            return server;
        }

        public void setServer(String server) {
            this.server = server;
        }

        public String getExport() {
            return export;
        }

        public void setExport(String export) {
            this.export = export;
        }

        public String getOptions() {
            return options;
        }

        public void setOptions(String options) {
            this.options = options;
        }
    }

    /** vzdump mode. */
    public enum Mode {
        snapshot,
        suspend,
        stop
    }

    /** Archive compression. */
    public enum Compression {
        none,
        gzip,
        lzo,
        zstd
    }

    /** Which backups to keep, with PVE's keep-* semantics, plus a floor of good backups. */
    @ValidationRule(
            value =
                    "(has(self.keepAll) && self.keepAll) != (has(self.keepLast) || has(self.keepHourly) || has(self.keepDaily) || has(self.keepWeekly) || has(self.keepMonthly) || has(self.keepYearly))",
            message = "set at least one keep* rule, or keepAll: true (not both)")
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public static class Retention {
        private Boolean keepAll;

        @Min(1)
        @Max(100000)
        private Integer keepLast;

        @Min(1)
        @Max(100000)
        private Integer keepHourly;

        @Min(1)
        @Max(100000)
        private Integer keepDaily;

        @Min(1)
        @Max(100000)
        private Integer keepWeekly;

        @Min(1)
        @Max(100000)
        private Integer keepMonthly;

        @Min(1)
        @Max(100000)
        private Integer keepYearly;

        @Min(0)
        @Max(1000)
        @JsonPropertyDescription(
                "Never prune a VM's backups below this many good ones, whatever the keep* rules say (default 1).")
        private Integer minGoodBackups;

        public Boolean getKeepAll() {
            return keepAll;
        }

        public void setKeepAll(Boolean keepAll) {
            this.keepAll = keepAll;
        }

        public Integer getKeepLast() {
            return keepLast;
        }

        public void setKeepLast(Integer keepLast) {
            this.keepLast = keepLast;
        }

        public Integer getKeepHourly() {
            return keepHourly;
        }

        public void setKeepHourly(Integer keepHourly) {
            this.keepHourly = keepHourly;
        }

        public Integer getKeepDaily() {
            return keepDaily;
        }

        public void setKeepDaily(Integer keepDaily) {
            this.keepDaily = keepDaily;
        }

        public Integer getKeepWeekly() {
            return keepWeekly;
        }

        public void setKeepWeekly(Integer keepWeekly) {
            this.keepWeekly = keepWeekly;
        }

        public Integer getKeepMonthly() {
            return keepMonthly;
        }

        public void setKeepMonthly(Integer keepMonthly) {
            this.keepMonthly = keepMonthly;
        }

        public Integer getKeepYearly() {
            return keepYearly;
        }

        public void setKeepYearly(Integer keepYearly) {
            this.keepYearly = keepYearly;
        }

        public Integer getMinGoodBackups() {
            return minGoodBackups;
        }

        public void setMinGoodBackups(Integer minGoodBackups) {
            this.minGoodBackups = minGoodBackups;
        }
    }

    /** Restore drill: restore each VM's latest backup to a scratch VM, boot it, destroy it. */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public static class Drill {
        private Boolean enabled;

        @Size(max = 128)
        @Pattern(Patterns.PVE_CALENDAR_EVENT)
        @JsonPropertyDescription("When drills run (calendar event, default 'sun 04:00').")
        private String schedule;

        @Min(10)
        @Max(3600)
        @JsonPropertyDescription("Seconds the restored VM has to reach running (default 300).")
        private Integer bootTimeoutSeconds;

        @Size(max = 64)
        @Pattern(Patterns.PVE_STORAGE_ID)
        @JsonPropertyDescription("Storage for the scratch VM's disks (default: as in the backup).")
        private String storage;

        public Boolean getEnabled() {
            return enabled;
        }

        public void setEnabled(Boolean enabled) {
            this.enabled = enabled;
        }

        public String getSchedule() {
            return schedule;
        }

        public void setSchedule(String schedule) {
            this.schedule = schedule;
        }

        public Integer getBootTimeoutSeconds() {
            return bootTimeoutSeconds;
        }

        public void setBootTimeoutSeconds(Integer bootTimeoutSeconds) {
            this.bootTimeoutSeconds = bootTimeoutSeconds;
        }

        public String getStorage() {
            return storage;
        }

        public void setStorage(String storage) {
            this.storage = storage;
        }
    }
}
