package io.pveha.simulator.backup;

import io.pveha.simulator.model.PruneRules;
import io.pveha.simulator.model.PveException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * {@code jobs.cfg} for vzdump jobs ({@code PVE::API2::Backup}): create, read, update and delete
 * with PVE's checks ({@code verify_vzdump_parameters}, the calendar event format, {@code digest}),
 * and the JSON of {@code GET /cluster/backup}. Call under the cluster state lock.
 */
public final class BackupJobs {
    /** Options kept as given; {@code id} and {@code type} are not options. */
    static final Set<String> JOB_OPTIONS =
            Set.of(
                    "schedule",
                    "enabled",
                    "comment",
                    "repeat-missed",
                    "vmid",
                    "all",
                    "pool",
                    "exclude",
                    "storage",
                    "mode",
                    "compress",
                    "zstd",
                    "prune-backups",
                    "notes-template",
                    "protected",
                    "node",
                    "mailto",
                    "mailnotification",
                    "remove",
                    "bwlimit",
                    "ionice",
                    "lockwait",
                    "stopwait",
                    "stdexcludes");

    private static final Set<String> INTEGER_OPTIONS =
            Set.of(
                    "enabled",
                    "all",
                    "repeat-missed",
                    "zstd",
                    "protected",
                    "remove",
                    "bwlimit",
                    "ionice",
                    "lockwait",
                    "stopwait",
                    "stdexcludes");
    private static final Pattern JOB_ID = Pattern.compile("^[a-zA-Z][a-zA-Z0-9_\\-.]{1,63}$");
    private static final Pattern VMID_LIST = Pattern.compile("^\\d+([,;\\s]+\\d+)*$");

    private final Map<String, Map<String, String>> jobs = new LinkedHashMap<>();

    /** A job's id and options. */
    public record Job(String id, Map<String, String> options) {
        public boolean enabled() {
            return !"0".equals(options.get("enabled"));
        }
    }

    public List<Job> all() {
        List<Job> result = new ArrayList<>();
        jobs.forEach((id, options) -> result.add(new Job(id, Map.copyOf(options))));
        return result;
    }

    public Optional<Job> find(String id) {
        Map<String, String> options = jobs.get(id);
        return options == null ? Optional.empty() : Optional.of(new Job(id, Map.copyOf(options)));
    }

    public Job require(String id) {
        return find(id).orElseThrow(() -> PveException.param("id", "No such job '" + id + "'"));
    }

    /** {@code POST /cluster/backup}; returns the job (with a generated id if none was given). */
    public Job create(Map<String, String> params) {
        Map<String, String> options = new TreeMap<>(params);
        String id = options.remove("id");
        if (id == null) {
            id = generateId();
        } else if (!JOB_ID.matcher(id).matches()) {
            throw PveException.param("id", "invalid configuration ID '" + id + "'");
        }
        if (!options.containsKey("schedule")) {
            throw PveException.param("schedule", "neither 'starttime' nor 'schedule' were set");
        }
        verify(options, true);
        if (jobs.containsKey(id)) {
            throw PveException.internal("Job '" + id + "' already exists");
        }
        options.putIfAbsent("enabled", "1");
        jobs.put(id, options);
        return new Job(id, Map.copyOf(options));
    }

    /**
     * {@code PUT /cluster/backup/{id}} with {@code delete} (comma list of options) and {@code
     * digest}.
     */
    public Job update(String id, Map<String, String> params) {
        Map<String, String> current = jobs.get(id);
        if (current == null) {
            throw PveException.param("id", "No such job '" + id + "'");
        }
        Map<String, String> changes = new TreeMap<>(params);
        changes.remove("id");
        String digest = changes.remove("digest");
        if (digest != null && !digest.equals(digest())) {
            throw PveException.internal(
                    "detected modified configuration - file changed by other user? Try again.");
        }
        String delete = changes.remove("delete");
        Map<String, String> updated = new TreeMap<>(current);
        if (delete != null) {
            for (String key : delete.split("[,;\\s]+")) {
                if (key.equals("schedule")) {
                    throw PveException.param("delete", "cannot delete 'schedule'");
                }
                if (!key.isEmpty() && !JOB_OPTIONS.contains(key)) {
                    throw PveException.param("delete", "invalid option '" + key + "'");
                }
                if (changes.containsKey(key)) {
                    throw PveException.param(
                            "delete",
                            "cannot set and delete property '" + key + "' at the same time");
                }
                updated.remove(key);
            }
        }
        // Setting one selection replaces the others, as the GUI's edit does.
        if (changes.containsKey("vmid")) {
            updated.remove("all");
            updated.remove("pool");
            updated.remove("exclude");
        } else if (changes.containsKey("all") || changes.containsKey("pool")) {
            updated.remove("vmid");
        }
        updated.putAll(changes);
        if ("0".equals(updated.get("all"))) {
            updated.remove("all");
        }
        verify(updated, true);
        jobs.put(id, updated);
        return new Job(id, Map.copyOf(updated));
    }

    public void delete(String id) {
        if (jobs.remove(id) == null) {
            throw PveException.param("id", "No such job '" + id + "'");
        }
    }

    /** SHA1 of the jobs.cfg text, the {@code digest} of the list and of each job. */
    public String digest() {
        StringBuilder cfg = new StringBuilder();
        jobs.forEach(
                (id, options) -> {
                    cfg.append("vzdump: ").append(id).append('\n');
                    options.forEach(
                            (k, v) ->
                                    cfg.append('\t').append(k).append(' ').append(v).append('\n'));
                    cfg.append('\n');
                });
        try {
            return HexFormat.of()
                    .formatHex(
                            MessageDigest.getInstance("SHA-1")
                                    .digest(cfg.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * One entry of {@code GET /cluster/backup}: typed options, {@code prune-backups} as an object,
     * next run.
     */
    public Map<String, Object> json(Job job, Long nextRun) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("id", job.id());
        entry.put("type", "vzdump");
        new TreeMap<>(job.options())
                .forEach(
                        (key, value) -> {
                            if (key.equals("prune-backups")) {
                                entry.put(key, PruneRules.parse(value, key).asObject());
                            } else if (INTEGER_OPTIONS.contains(key)) {
                                entry.put(key, Integer.parseInt(value));
                            } else {
                                entry.put(key, value);
                            }
                        });
        if (nextRun != null) {
            entry.put("next-run", nextRun);
        }
        return entry;
    }

    /**
     * {@code PVE::VZDump::verify_vzdump_parameters} plus the formats of the job schema; throws 400
     * naming the parameter.
     */
    static void verify(Map<String, String> p, boolean checkMissing) {
        if (p.containsKey("schedule")) {
            try {
                CalendarEvent.parse(p.get("schedule"));
            } catch (IllegalArgumentException e) {
                throw PveException.param(
                        "schedule",
                        "invalid calendar event '" + p.get("schedule") + "' - " + e.getMessage());
            }
        }
        boolean all = "1".equals(p.get("all"));
        if (all && p.containsKey("vmid")) {
            throw PveException.param("all", "option conflicts with option 'vmid'");
        }
        if (p.containsKey("exclude") && p.containsKey("vmid")) {
            throw PveException.param("exclude", "option conflicts with option 'vmid'");
        }
        if (p.containsKey("pool") && p.containsKey("vmid")) {
            throw PveException.param("pool", "option conflicts with option 'vmid'");
        }
        if (p.containsKey("pool") && all) {
            throw PveException.param("pool", "option conflicts with option 'all'");
        }
        for (String list : List.of("vmid", "exclude")) {
            if (p.containsKey(list) && !VMID_LIST.matcher(p.get(list).trim()).matches()) {
                throw PveException.param(list, "value does not look like a valid list of VMIDs");
            }
            if (p.containsKey(list) && Vzdump.vmids(p.get(list)).stream().anyMatch(v -> v < 100)) {
                throw PveException.param(list, "value does not look like a valid VM ID");
            }
        }
        if (p.containsKey("prune-backups")) {
            PruneRules.parse(p.get("prune-backups"), "prune-backups");
        }
        String notes = p.get("notes-template");
        if (notes != null) {
            if (notes.contains("\n") || notes.contains("\r")) {
                throw PveException.param("notes-template", "value must not contain a line feed");
            }
            if (!p.containsKey("storage")) {
                throw PveException.param(
                        "notes-template", "'notes-template' requires option 'storage'");
            }
        }
        if (checkMissing && !all && !p.containsKey("pool") && !p.containsKey("vmid")) {
            throw PveException.param("vmid", "property is missing");
        }
    }

    /** The GUI's style of job id: {@code backup-<8 hex>-<4 hex>}. */
    private String generateId() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        String id;
        do {
            id = String.format("backup-%08x-%04x", random.nextInt(), random.nextInt(0x10000));
        } while (jobs.containsKey(id));
        return id;
    }
}
