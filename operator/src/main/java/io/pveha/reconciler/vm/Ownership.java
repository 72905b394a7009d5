package io.pveha.reconciler.vm;

import io.pveha.api.vm.HaVm;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collection;
import java.util.HexFormat;

/**
 * How a VM is known to belong to a HaVm: its VMID together with an owner tag derived from the
 * HaVm's UID (visible in /cluster/resources, so checking it costs no call) and a description line
 * written in the same call that creates or clones the VM (so ownership is never in doubt, even if
 * the operator dies between creating a VM and tagging it). A name alone never identifies a VM.
 */
public final class Ownership {
    /** Tag on every VM the operator manages. */
    public static final String OPERATOR_TAG = "pveha";

    static final String DESCRIPTION_MARKER = "pveha.io/uid=";

    private Ownership() {}

    /**
     * {@code pveha-<12 hex digits of SHA-256(UID)>}: a valid PVE tag, unique per HaVm whatever the
     * UID format (hashing, because API servers other than kube-apiserver hand out sequential UIDs).
     */
    public static String ownerTag(HaVm vm) {
        try {
            byte[] digest =
                    MessageDigest.getInstance("SHA-256")
                            .digest(vm.getMetadata().getUid().getBytes(StandardCharsets.UTF_8));
            return OPERATOR_TAG + "-" + HexFormat.of().formatHex(digest).substring(0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public static boolean taggedFor(Collection<String> tags, HaVm vm) {
        return tags.contains(ownerTag(vm));
    }

    /** The description lines that mark ownership (PVE shows the description in the GUI's Notes). */
    public static String descriptionMarker(HaVm vm) {
        return "Managed by pve-ha-operator: HaVm "
                + vm.getMetadata().getNamespace()
                + "/"
                + vm.getMetadata().getName()
                + "\n"
                + DESCRIPTION_MARKER
                + vm.getMetadata().getUid();
    }

    public static boolean describedAs(String description, HaVm vm) {
        return description != null
                && description.contains(DESCRIPTION_MARKER + vm.getMetadata().getUid());
    }

    /**
     * Comment on the HA resource and group the operator creates, so it never removes one it did not
     * create.
     */
    public static String haComment(HaVm vm) {
        return "pveha.io/owner="
                + vm.getMetadata().getNamespace()
                + "/"
                + vm.getMetadata().getName();
    }
}
