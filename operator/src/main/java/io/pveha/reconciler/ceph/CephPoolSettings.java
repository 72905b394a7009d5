package io.pveha.reconciler.ceph;

import io.pveha.api.ceph.CephPool;
import io.pveha.api.ceph.CephPoolSpec;
import io.pveha.pve.model.CephPoolEntry;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Desired pool settings as PVE parameters, the difference to an observed pool, and how to read
 * Ceph's refusals. Only what the spec declares is owned: an undeclared field is left as Ceph has it
 * (PVE's defaults apply on create).
 */
public final class CephPoolSettings {
    private static final Pattern SIZE = Pattern.compile("^(\\d+(?:\\.\\d+)?)([KMGT])?$");

    private CephPoolSettings() {}

    /** The pool's name in Ceph: spec.poolName, else metadata.name. */
    public static String poolName(CephPool pool) {
        String name = pool.getSpec().getPoolName();
        return name == null || name.isBlank() ? pool.getMetadata().getName() : name;
    }

    /** Parameters of {@code POST /nodes/{node}/ceph/pool}. */
    static Map<String, Object> createParams(CephPool pool) {
        CephPoolSpec spec = pool.getSpec();
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("name", poolName(pool));
        params.putAll(declared(spec));
        if (Boolean.TRUE.equals(spec.getAddStorage())) {
            params.put("add_storages", 1);
        }
        return params;
    }

    /**
     * Parameters of {@code PUT /nodes/{node}/ceph/pool/{name}} that would bring the pool to the
     * spec; empty when in sync.
     */
    static Map<String, Object> changes(CephPoolSpec spec, CephPoolEntry observed) {
        Map<String, Object> changes = new LinkedHashMap<>();
        if (spec.getSize() != null && !spec.getSize().equals(observed.size())) {
            changes.put("size", spec.getSize());
        }
        // Ceph resets min_size whenever size changes, so a declared min_size is sent along with a
        // size change.
        if (spec.getMinSize() != null
                && (!spec.getMinSize().equals(observed.minSize()) || changes.containsKey("size"))) {
            changes.put("min_size", spec.getMinSize());
        }
        String mode = spec.getPgAutoscaleMode() == null ? null : spec.getPgAutoscaleMode().name();
        if (mode != null && !mode.equals(observed.pgAutoscaleMode())) {
            changes.put("pg_autoscale_mode", mode);
        }
        // With the autoscaler on, pg_num is the autoscaler's to change: a difference is not drift.
        String effectiveMode = mode != null ? mode : observed.pgAutoscaleMode();
        if (spec.getPgNum() != null
                && !"on".equals(effectiveMode)
                && !spec.getPgNum().equals(observed.pgNum())) {
            changes.put("pg_num", spec.getPgNum());
        }
        if (spec.getApplication() != null
                && !observed.applications().contains(spec.getApplication().name())) {
            changes.put("application", spec.getApplication().name());
        }
        if (spec.getCrushRule() != null && !spec.getCrushRule().equals(observed.crushRuleName())) {
            changes.put("crush_rule", spec.getCrushRule());
        }
        if (spec.getTargetSize() != null
                && !Objects.equals(parseSize(spec.getTargetSize()), observed.targetSize())) {
            changes.put("target_size", spec.getTargetSize());
        }
        if (spec.getTargetSizeRatio() != null
                && (observed.targetSizeRatio() == null
                        || Math.abs(spec.getTargetSizeRatio() - observed.targetSizeRatio())
                                > 1e-9)) {
            changes.put("target_size_ratio", spec.getTargetSizeRatio());
        }
        return changes;
    }

    private static Map<String, Object> declared(CephPoolSpec spec) {
        Map<String, Object> params = new LinkedHashMap<>();
        putIfSet(params, "size", spec.getSize());
        putIfSet(params, "min_size", spec.getMinSize());
        putIfSet(params, "pg_num", spec.getPgNum());
        putIfSet(
                params,
                "pg_autoscale_mode",
                spec.getPgAutoscaleMode() == null ? null : spec.getPgAutoscaleMode().name());
        putIfSet(
                params,
                "application",
                spec.getApplication() == null ? null : spec.getApplication().name());
        putIfSet(params, "crush_rule", spec.getCrushRule());
        putIfSet(params, "target_size", spec.getTargetSize());
        putIfSet(params, "target_size_ratio", spec.getTargetSizeRatio());
        return params;
    }

    private static void putIfSet(Map<String, Object> params, String key, Object value) {
        if (value != null) {
            params.put(key, value);
        }
    }

    /**
     * PVE's {@code parse_size}: K, M, G and T are powers of 1024; null for text that is no size.
     */
    static Long parseSize(String text) {
        Matcher m = SIZE.matcher(text == null ? "" : text.trim());
        if (!m.matches()) {
            return null;
        }
        int shift =
                m.group(2) == null
                        ? 0
                        : switch (m.group(2)) {
                            case "K" -> 10;
                            case "M" -> 20;
                            case "G" -> 30;
                            default -> 40;
                        };
        return new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(1L << shift)).longValue();
    }

    /**
     * Failures that are Ceph's verdict on a value ({@code set_pool} names the settings it could not
     * set; an application already enabled; the monitor's range checks), as opposed to a transient
     * failure.
     */
    static boolean refusal(String exitStatus) {
        return exitStatus != null
                && (exitStatus.startsWith("Could not set:")
                        || exitStatus.contains("already has an enabled application")
                        || exitStatus.contains("would mean")
                        || exitStatus.contains("must be between"));
    }
}
