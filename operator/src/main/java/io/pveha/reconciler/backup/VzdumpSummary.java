package io.pveha.reconciler.backup;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a finished vzdump task's log says: the storage it wrote to, the VMs it was asked to back up,
 * and each VM's outcome. The log is the only place PVE names the VMs of a task that backed up
 * several, so it also attributes a scheduled run to its policy.
 */
record VzdumpSummary(String storage, List<Integer> listed, Map<Integer, VmResult> vms) {
    private static final String JOB_LINE = "INFO: starting new backup job: vzdump";
    private static final Pattern STORAGE = Pattern.compile("--storage (\\S+)");
    private static final Pattern STARTING = Pattern.compile("^INFO: Starting Backup of VM (\\d+) ");
    private static final Pattern ARCHIVE =
            Pattern.compile("^INFO: creating vzdump archive '.*/(vzdump-[^/']+)'");
    private static final Pattern FINISHED = Pattern.compile("^INFO: Finished Backup of VM (\\d+) ");
    private static final Pattern FAILED =
            Pattern.compile("^ERROR: Backup of VM (\\d+) failed - (.*)$");

    /**
     * One VM of the task: {@code ok}, {@code failed} or {@code running}, the archive written or the
     * error.
     */
    record VmResult(int vmid, String result, String volume, String message) {}

    static VzdumpSummary parse(List<String> log) {
        String storage = null;
        List<Integer> listed = new ArrayList<>();
        Map<Integer, VmResult> vms = new TreeMap<>();
        Integer current = null;
        for (String line : log) {
            Matcher m;
            if (storage == null && line.startsWith(JOB_LINE)) {
                // "INFO: starting new backup job: vzdump 100 101 --storage nfs --mode snapshot ..."
                for (String word : line.substring(JOB_LINE.length()).trim().split("\\s+")) {
                    if (word.startsWith("--")) {
                        break;
                    }
                    if (word.matches("\\d+")) {
                        listed.add(Integer.parseInt(word));
                    }
                }
                m = STORAGE.matcher(line);
                storage = m.find() ? m.group(1) : null;
            } else if ((m = STARTING.matcher(line)).find()) {
                current = Integer.parseInt(m.group(1));
                vms.put(current, new VmResult(current, "running", null, null));
            } else if (current != null && (m = ARCHIVE.matcher(line)).find()) {
                String volume = storage == null ? m.group(1) : storage + ":backup/" + m.group(1);
                vms.put(current, new VmResult(current, vms.get(current).result(), volume, null));
            } else if ((m = FINISHED.matcher(line)).find()) {
                int vmid = Integer.parseInt(m.group(1));
                VmResult before = vms.get(vmid);
                vms.put(
                        vmid,
                        new VmResult(vmid, "ok", before == null ? null : before.volume(), null));
            } else if ((m = FAILED.matcher(line)).find()) {
                int vmid = Integer.parseInt(m.group(1));
                vms.put(vmid, new VmResult(vmid, "failed", null, m.group(2)));
            }
        }
        return new VzdumpSummary(storage, List.copyOf(listed), Collections.unmodifiableMap(vms));
    }

    /**
     * Summaries of finished tasks by UPID. A finished task's log never changes, so it is read once;
     * only the most recently used are kept, so the memory stays bounded however many runs the
     * operator sees.
     */
    static final class Cache {
        static final int CAPACITY = 512;
        private final Map<String, VzdumpSummary> entries =
                new LinkedHashMap<>(64, 0.75f, true) {
                    @Override
                    protected boolean removeEldestEntry(Map.Entry<String, VzdumpSummary> eldest) {
                        return size() > CAPACITY;
                    }
                };

        synchronized VzdumpSummary get(String upid) {
            return entries.get(upid);
        }

        synchronized void put(String upid, VzdumpSummary summary) {
            entries.put(upid, summary);
        }

        synchronized int size() {
            return entries.size();
        }
    }
}
