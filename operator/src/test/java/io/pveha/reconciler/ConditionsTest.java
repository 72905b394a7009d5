package io.pveha.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConditionsTest {
    static final Instant T0 = Instant.parse("2026-11-23T10:00:00.123Z");
    static final Instant T1 = Instant.parse("2026-11-23T10:05:00Z");

    @Test
    void addsAMissingConditionWithTheCurrentTimeAsTransition() {
        List<Condition> result =
                Conditions.set(List.of(), "Ready", "False", "Connecting", "connecting", 3L, T0);

        assertThat(result)
                .singleElement()
                .satisfies(
                        c -> {
                            assertThat(c.getType()).isEqualTo("Ready");
                            assertThat(c.getStatus()).isEqualTo("False");
                            assertThat(c.getReason()).isEqualTo("Connecting");
                            assertThat(c.getObservedGeneration()).isEqualTo(3L);
                            assertThat(c.getLastTransitionTime()).isEqualTo("2026-11-23T10:00:00Z");
                        });
    }

    @Test
    void keepsTheTransitionTimeWhenOnlyReasonOrMessageChange() {
        List<Condition> first =
                Conditions.set(List.of(), "Ready", "False", "Connecting", "a", 1L, T0);
        List<Condition> second =
                Conditions.set(first, "Ready", "False", "Unreachable", "b", 2L, T1);

        assertThat(second)
                .singleElement()
                .satisfies(
                        c -> {
                            assertThat(c.getReason()).isEqualTo("Unreachable");
                            assertThat(c.getMessage()).isEqualTo("b");
                            assertThat(c.getObservedGeneration()).isEqualTo(2L);
                            assertThat(c.getLastTransitionTime()).isEqualTo("2026-11-23T10:00:00Z");
                        });
    }

    @Test
    void movesTheTransitionTimeWhenTheStatusFlips() {
        List<Condition> first =
                Conditions.set(List.of(), "Ready", "False", "Connecting", "", 1L, T0);
        List<Condition> second = Conditions.set(first, "Ready", "True", "Ready", "", 1L, T1);

        assertThat(second.get(0).getLastTransitionTime()).isEqualTo("2026-11-23T10:05:00Z");
        assertThat(Conditions.isTrue(second, "Ready")).isTrue();
    }

    @Test
    void reassertingTheSameFactsYieldsAnEqualList() {
        List<Condition> first = Conditions.set(List.of(), "Ready", "True", "Ready", "ok", 1L, T0);
        List<Condition> again = Conditions.set(first, "Ready", "True", "Ready", "ok", 1L, T1);

        assertThat(Conditions.sameFacts(first, again)).isTrue();
        assertThat(
                        Conditions.sameFacts(
                                first,
                                Conditions.set(first, "Ready", "True", "Ready", "changed", 1L, T1)))
                .isFalse();
    }

    @Test
    void leavesOtherConditionTypesAlone() {
        List<Condition> base =
                Conditions.set(List.of(), "Provisioned", "True", "Created", "", 1L, T0);
        List<Condition> result = Conditions.set(base, "Ready", "False", "Starting", "", 1L, T1);

        assertThat(result).extracting(Condition::getType).containsExactly("Provisioned", "Ready");
        assertThat(Conditions.find(result, "Provisioned"))
                .get()
                .extracting(Condition::getReason)
                .isEqualTo("Created");
    }
}
