package io.pveha.reconciler;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;
import io.javaoperatorsdk.operator.processing.event.source.informer.TransformingItemStore;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.ListIterator;
import java.util.Map;

/**
 * What the informers keep of each object: all of it but the bookkeeping the API server adds for
 * others. {@code metadata.managedFields} (server-side apply's field ownership, on every object a
 * real kube-apiserver serves: one entry per writer with a map of every field it set) and kubectl's
 * {@code last-applied-configuration} annotation (a second copy of the spec) are never read by the
 * operator, yet were kept for every HaVm in each of the four informers that hold HaVms. Status is
 * written with a JSON Patch of status fields ({@link StatusPatch}), which never sends metadata, so
 * a cached object without them writes the same patches.
 *
 * <p>The strings that are left are interned: the four HaVm informers (the HaVm controller's and
 * those of the ProxmoxCluster, BackupPolicy and LoadBalancerPair controllers) each deserialize
 * their own copy of every HaVm, and strings were most of a copy (about 260,000 more strings with
 * 1,000 HaVms than with 40, 21 KiB per HaVm with the four copies). Interned, the copies share one
 * set, and texts every object repeats (namespace, condition types, reasons, cluster names) are kept
 * once.
 *
 * <p>JOSDK's {@link TransformingItemStore} applies the trim before the object is stored; event
 * handlers receive the same (trimmed) object.
 */
public final class CacheTrim {
    static final String LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";

    private CacheTrim() {}

    /** A fresh item store for one informer (a store must not be shared between informers). */
    public static <R extends HasMetadata> ItemStore<R> store() {
        return new TransformingItemStore<>(CacheTrim::trim);
    }

    /** Drops what no reader of the cache uses; returns the same object. */
    public static <R extends HasMetadata> R trim(R resource) {
        ObjectMeta meta = resource.getMetadata();
        if (meta != null) {
            meta.setManagedFields(null);
            Map<String, String> annotations = meta.getAnnotations();
            if (annotations != null && annotations.containsKey(LAST_APPLIED)) {
                annotations.remove(LAST_APPLIED);
            }
        }
        intern(resource, 0);
        return resource;
    }

    /** The String fields of the model classes, and the fields that may hold more of them. */
    private static final ClassValue<List<Field>> FIELDS =
            new ClassValue<>() {
                @Override
                protected List<Field> computeValue(Class<?> type) {
                    List<Field> fields = new ArrayList<>();
                    // CustomResource (fabric8's client package) holds a kind's metadata, spec
                    // and status
                    for (Class<?> c = type;
                            c != null && (isModel(c) || c == CustomResource.class);
                            c = c.getSuperclass()) {
                        for (Field f : c.getDeclaredFields()) {
                            int m = f.getModifiers();
                            if (Modifier.isStatic(m)
                                    || Modifier.isFinal(m)
                                    || f.getType().isPrimitive()) {
                                continue;
                            }
                            try {
                                f.setAccessible(true);
                                fields.add(f);
                            } catch (RuntimeException e) {
                                // not open to us (a named module): its strings stay as they are
                            }
                        }
                    }
                    return List.copyOf(fields);
                }
            };

    // Only the API types are walked: their fields are plain data set by Jackson; anything else
    // (a JDK type, a number) is left as it is.
    private static boolean isModel(Class<?> c) {
        String name = c.getName();
        return name.startsWith("io.pveha.api.")
                || name.startsWith("io.fabric8.kubernetes.api.model.");
    }

    // Objects are trees (deserialized JSON); the depth bound is a guard, not a limit ever reached.
    private static void intern(Object o, int depth) {
        if (o == null || depth > 40) {
            return;
        }
        if (o instanceof List<?> list) {
            internList(list, depth);
        } else if (o instanceof Map<?, ?> map) {
            internMap(map, depth);
        } else if (isModel(o.getClass())) {
            for (Field f : FIELDS.get(o.getClass())) {
                try {
                    Object v = f.get(o);
                    if (v instanceof String str) {
                        f.set(o, str.intern());
                    } else if (v != null && !(v instanceof Number) && !(v instanceof Boolean)) {
                        intern(v, depth + 1);
                    }
                } catch (IllegalAccessException | RuntimeException e) {
                    // a field that cannot be set keeps its own copy
                }
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static void internList(List<?> list, int depth) {
        try {
            ListIterator<Object> it = ((List<Object>) list).listIterator();
            while (it.hasNext()) {
                Object v = it.next();
                if (v instanceof String str) {
                    it.set(str.intern());
                } else {
                    intern(v, depth + 1);
                }
            }
        } catch (UnsupportedOperationException e) {
            // an immutable list keeps its own strings
        }
    }

    // Keys are JSON field names, which Jackson interns already; values are interned here.
    @SuppressWarnings("unchecked")
    private static void internMap(Map<?, ?> map, int depth) {
        try {
            for (Map.Entry<Object, Object> e : ((Map<Object, Object>) map).entrySet()) {
                if (e.getValue() instanceof String str) {
                    e.setValue(str.intern());
                } else {
                    intern(e.getValue(), depth + 1);
                }
            }
        } catch (UnsupportedOperationException e) {
            // an immutable map keeps its own strings
        }
    }
}
