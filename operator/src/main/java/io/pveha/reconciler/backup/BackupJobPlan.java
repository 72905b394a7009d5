package io.pveha.reconciler.backup;

import com.fasterxml.jackson.databind.JsonNode;
import io.pveha.api.backup.BackupPolicy;
import io.pveha.api.backup.BackupPolicySpec;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The PVE vzdump job one BackupPolicy owns: its id (derived from the policy's UID, so it is stable
 * and never collides with a job somebody else made), the options the spec asks for, and the
 * difference to the job PVE has. Only these options are managed; anything else set on the job by
 * hand is left alone.
 */
public final class BackupJobPlan {
    /** The job options the operator owns. */
    static final List<String> MANAGED =
            List.of(
                    "schedule",
                    "enabled",
                    "storage",
                    "mode",
                    "compress",
                    "prune-backups",
                    "notes-template",
                    "comment",
                    "vmid",
                    "all",
                    "exclude");

    private BackupJobPlan() {}

    /** A change to send: options to set and options to delete. */
    public record Change(Map<String, String> set, List<String> delete) {
        public boolean isEmpty() {
            return set.isEmpty() && delete.isEmpty();
        }
    }

    /** {@code pveha-<16 hex of SHA-256(UID)>}: a valid PVE job id, one per policy. */
    public static String jobId(BackupPolicy policy) {
        try {
            byte[] digest =
                    MessageDigest.getInstance("SHA-256")
                            .digest(policy.getMetadata().getUid().getBytes(StandardCharsets.UTF_8));
            return "pveha-" + HexFormat.of().formatHex(digest).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The job comment: says who manages it (shown in the PVE GUI's backup list). */
    public static String comment(BackupPolicy policy) {
        return "managed by pve-ha-operator: BackupPolicy "
                + policy.getMetadata().getNamespace()
                + "/"
                + policy.getMetadata().getName();
    }

    /**
     * The options the job should have. {@code vmids} are the resolved VMIDs for a label selector or
     * explicit list; for {@code selection.all} the job selects all guests with the excludes.
     */
    public static Map<String, String> desired(
            BackupPolicy policy, Collection<Integer> vmids, boolean enabled) {
        BackupPolicySpec spec = policy.getSpec();
        Map<String, String> job = new TreeMap<>();
        job.put("schedule", spec.getSchedule().trim());
        job.put("enabled", enabled && !Boolean.FALSE.equals(spec.getEnabled()) ? "1" : "0");
        job.putAll(runOptions(policy));
        job.put("comment", comment(policy));
        if (Boolean.TRUE.equals(spec.getSelection().getAll())) {
            job.put("all", "1");
            if (!spec.getSelection().getExclude().isEmpty()) {
                job.put("exclude", list(spec.getSelection().getExclude()));
            }
        } else {
            job.put("vmid", list(vmids));
        }
        return job;
    }

    /**
     * What a job and an on-demand vzdump share: storage, mode, compression, retention, and the
     * notes: the spec's template followed by the marker that names each archive's HaVm ({@link
     * BackupMarker}).
     */
    public static Map<String, String> runOptions(BackupPolicy policy) {
        BackupPolicySpec spec = policy.getSpec();
        Map<String, String> options = new TreeMap<>();
        options.put("storage", spec.getStorage().getName());
        options.put("mode", spec.getMode() == null ? "snapshot" : spec.getMode().name());
        BackupPolicySpec.Compression compression =
                spec.getCompression() == null
                        ? BackupPolicySpec.Compression.zstd
                        : spec.getCompression();
        options.put(
                "compress",
                compression == BackupPolicySpec.Compression.none ? "0" : compression.name());
        options.put("prune-backups", Retention.of(spec.getRetention()).propertyString());
        options.put(
                "notes-template",
                BackupMarker.notesTemplate(
                        spec.getNotesTemplate(), policy.getMetadata().getNamespace()));
        return options;
    }

    /** The managed options of a job as {@code GET /cluster/backup} lists it, as strings. */
    public static Map<String, String> observed(JsonNode job) {
        Map<String, String> result = new TreeMap<>();
        for (String key : MANAGED) {
            JsonNode value = job.get(key);
            if (value == null || value.isNull()) {
                continue;
            }
            if (key.equals("prune-backups") && value.isObject()) {
                result.put(key, pruneString(value));
            } else {
                result.put(key, value.asText());
            }
        }
        return result;
    }

    /** The change that turns {@code observed} into {@code desired}. */
    public static Change diff(Map<String, String> desired, Map<String, String> observed) {
        Map<String, String> set = new LinkedHashMap<>();
        desired.forEach(
                (key, value) -> {
                    if (!value.equals(observed.get(key))) {
                        set.put(key, value);
                    }
                });
        List<String> delete = new ArrayList<>();
        for (String key : MANAGED) {
            if (observed.containsKey(key) && !desired.containsKey(key)) {
                delete.add(key);
            }
        }
        return new Change(set, delete);
    }

    private static String pruneString(JsonNode object) {
        if (object.path("keep-all").asInt(0) == 1) {
            return "keep-all=1";
        }
        List<String> parts = new ArrayList<>();
        for (String rule : Retention.RULES) {
            if (object.has(rule) && object.get(rule).asInt() > 0) {
                parts.add(rule + "=" + object.get(rule).asInt());
            }
        }
        return parts.isEmpty() ? "keep-all=1" : String.join(",", parts);
    }

    static String list(Collection<Integer> vmids) {
        return vmids.stream()
                .sorted()
                .distinct()
                .map(String::valueOf)
                .collect(Collectors.joining(","));
    }
}
