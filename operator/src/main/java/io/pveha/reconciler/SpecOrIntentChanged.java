package io.pveha.reconciler;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.processing.event.source.filter.OnUpdateFilter;
import java.util.Objects;

/**
 * Which updates of a primary resource deserve a reconcile: a new generation (spec), a change of
 * annotations (pause, adopt, backup-now, confirm-delete are annotations, and annotations do not
 * bump the generation), labels (they select resources into policies and balancers), finalizers or a
 * deletion. The operator's own status writes are none of these, so they never trigger a reconcile.
 */
public final class SpecOrIntentChanged implements OnUpdateFilter<HasMetadata> {
    @Override
    public boolean accept(HasMetadata updated, HasMetadata old) {
        if (old == null) {
            return true;
        }
        return !Objects.equals(
                        updated.getMetadata().getGeneration(), old.getMetadata().getGeneration())
                || !Objects.equals(
                        updated.getMetadata().getAnnotations(), old.getMetadata().getAnnotations())
                || !Objects.equals(updated.getMetadata().getLabels(), old.getMetadata().getLabels())
                || !Objects.equals(
                        updated.getMetadata().getFinalizers(), old.getMetadata().getFinalizers())
                || !Objects.equals(
                        updated.getMetadata().getDeletionTimestamp(),
                        old.getMetadata().getDeletionTimestamp());
    }
}
