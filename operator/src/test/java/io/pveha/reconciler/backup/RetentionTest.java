package io.pveha.reconciler.backup;

import static org.assertj.core.api.Assertions.assertThat;

import io.pveha.api.backup.BackupPolicySpec;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The retention preview against PVE's keep-* rules ({@code prune_mark_backup_group}), one case per
 * rule and their interplay. Backups are {@code yyyy-MM-ddTHH:mm} in UTC; a trailing {@code P} marks
 * a protected one.
 */
class RetentionTest {

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of(
                        "keep-last=2",
                        List.of("01-01T01", "01-02T01", "01-03T01", "01-04T01"),
                        List.of("01-01T01", "01-02T01")),
                Arguments.of(
                        "keep-hourly=1",
                        List.of("01-01T10:05", "01-01T10:50", "01-01T11:10"),
                        List.of("01-01T10:05", "01-01T10:50")),
                Arguments.of(
                        "keep-daily=2",
                        List.of("01-01T08", "01-01T20", "01-02T08", "01-02T20", "01-03T08"),
                        List.of("01-01T08", "01-01T20", "01-02T08")),
                Arguments.of(
                        "keep-weekly=1",
                        List.of("01-01T00", "01-07T00", "01-08T00"),
                        List.of("01-01T00", "01-07T00")),
                Arguments.of(
                        "keep-monthly=1",
                        List.of("01-10T00", "01-20T00", "02-01T00"),
                        List.of("01-10T00", "01-20T00")),
                Arguments.of("keep-yearly=1", List.of("01-10T00", "06-20T00"), List.of("01-10T00")),
                Arguments.of(
                        "keep-last=1,keep-daily=2",
                        List.of("01-01T10", "01-02T08", "01-02T10", "01-03T08", "01-03T10"),
                        List.of("01-02T08", "01-03T08")),
                Arguments.of(
                        "keep-daily=1,keep-monthly=2",
                        List.of("01-31T10", "02-01T08", "02-01T10"),
                        List.of("02-01T08")),
                Arguments.of(
                        "keep-last=2",
                        List.of("01-01T00", "01-02T00", "01-03T00", "01-04T00P"),
                        List.of("01-01T00")),
                Arguments.of("keep-daily=1", List.of("01-01T08", "01-01T09P"), List.of()),
                Arguments.of("", List.of("01-01T00", "01-02T00"), List.of()));
    }

    @ParameterizedTest(name = "{0} on {1} removes {2}")
    @MethodSource("cases")
    void previewsWhatPveWouldPrune(String rules, List<String> backups, List<String> removed) {
        Map<String, Integer> keep = new LinkedHashMap<>();
        for (String rule : rules.split(",")) {
            if (!rule.isEmpty()) {
                keep.put(
                        rule.substring(0, rule.indexOf('=')),
                        Integer.parseInt(rule.substring(rule.indexOf('=') + 1)));
            }
        }
        List<Retention.Backup> group = new ArrayList<>();
        for (String b : backups) {
            boolean protect = b.endsWith("P");
            String time = "2024-" + (protect ? b.substring(0, b.length() - 1) : b);
            if (time.length() == 13) {
                time += ":00";
            }
            group.add(
                    new Retention.Backup(
                            b, LocalDateTime.parse(time).toEpochSecond(ZoneOffset.UTC), protect));
        }
        assertThat(new Retention(keep).removals(group, ZoneOffset.UTC))
                .containsExactlyInAnyOrderElementsOf(removed);
    }

    @Test
    void minGoodBackupsRaisesKeepLastAndKeepAllSendsNoRule() {
        BackupPolicySpec.Retention spec = new BackupPolicySpec.Retention();
        spec.setKeepDaily(7);
        spec.setKeepLast(1);
        spec.setMinGoodBackups(3);
        assertThat(Retention.of(spec).propertyString()).isEqualTo("keep-last=3,keep-daily=7");
        spec.setMinGoodBackups(null);
        assertThat(Retention.of(spec).propertyString())
                .as("default floor of 1")
                .isEqualTo("keep-last=1,keep-daily=7");
        spec.setKeepLast(null);
        spec.setMinGoodBackups(0);
        assertThat(Retention.of(spec).propertyString()).isEqualTo("keep-daily=7");
        BackupPolicySpec.Retention all = new BackupPolicySpec.Retention();
        all.setKeepAll(true);
        assertThat(Retention.of(all).propertyString()).isEqualTo("keep-all=1");
    }
}
