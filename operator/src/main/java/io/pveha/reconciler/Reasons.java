package io.pveha.reconciler;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;

/** A kind's whole vocabulary: its own reasons and {@link CommonReason}. */
public final class Reasons {
    private Reasons() {}

    public static <E extends Enum<E> & Reason> List<Reason> vocabulary(Class<E> kind) {
        List<Reason> all = new ArrayList<>(EnumSet.allOf(CommonReason.class));
        all.addAll(EnumSet.allOf(kind));
        return all;
    }

    /** The reason named {@code name} in the kind's vocabulary (e.g. read back from a status). */
    public static <E extends Enum<E> & Reason> Optional<Reason> find(Class<E> kind, String name) {
        return vocabulary(kind).stream().filter(r -> r.name().equals(name)).findFirst();
    }
}
