package io.pveha.reconciler;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;
import io.javaoperatorsdk.operator.processing.event.source.informer.TransformingItemStore;
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
        return resource;
    }
}
