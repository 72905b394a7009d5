package io.pveha.reconciler.backup;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What makes a backup archive say which HaVm it is, on the NFS export alone: every vzdump a
 * BackupPolicy runs (its PVE job and its on-demand runs) gets a notes template ending in {@code
 * pveha.io/havm=<namespace>/{{guestname}}@{{cluster}}}. PVE writes the expanded notes next to the
 * archive ({@code <archive>.notes}) and lists their first line with the storage content, so the
 * operator maps an archive back to its HaVm by namespace and VM name (the HaVm's name unless its
 * {@code spec.name} says otherwise) without the cluster that made it. The VM's config inside the
 * archive stays the source of its hardware settings.
 *
 * <p>Neither the HaVm's UID nor the VMID identifies a backup: a HaVm recreated from Git gets a new
 * UID, and a platform rebuilt on another cluster may get other VMIDs. The {@code pveha.io/} prefix
 * is the operator's mark; the PVE cluster name is there for people (which site wrote it).
 */
public final class BackupMarker {
    static final String PREFIX = "pveha.io/havm=";

    private static final Pattern MARK =
            Pattern.compile(
                    "(?:^|\\s)pveha\\.io/havm=([a-z0-9]([-a-z0-9]*[a-z0-9])?)/([A-Za-z0-9.\\-]+)@(\\S*)");

    private BackupMarker() {}

    /** Who an archive belongs to, as its notes say. */
    public record Identity(String namespace, String vmName, String cluster) {}

    /**
     * The notes template PVE gets: the policy's own template (if any), then the marker, on one line
     * (PVE lists only the first line of the notes).
     */
    public static String notesTemplate(String userTemplate, String namespace) {
        String marker = PREFIX + namespace + "/{{guestname}}@{{cluster}}";
        if (userTemplate == null || userTemplate.isBlank()) {
            return marker;
        }
        return userTemplate.strip() + " " + marker;
    }

    /** The marker in an archive's notes, if there is one. */
    public static Optional<Identity> parse(String notes) {
        if (notes == null || notes.isEmpty()) {
            return Optional.empty();
        }
        Matcher m = MARK.matcher(notes);
        if (!m.find()) {
            return Optional.empty();
        }
        return Optional.of(new Identity(m.group(1), m.group(3), m.group(4)));
    }
}
