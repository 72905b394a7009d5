package io.pveha.simulator.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pveha.simulator.model.PruneRules.Entry;
import io.pveha.simulator.model.PruneRules.Mark;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The keep-* rules, case by case, as {@code PVE::Storage::prune_mark_backup_group} marks a group.
 * Each case lists backups as {@code yyyy-MM-ddTHH:mm} (a trailing {@code P} = protected) and the
 * ones that stay.
 */
class PruneRulesTest {

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of(
                        "keep-last keeps the newest N",
                        "keep-last=3",
                        List.of(
                                "2024-01-01T01:00",
                                "2024-01-02T01:00",
                                "2024-01-03T01:00",
                                "2024-01-04T01:00",
                                "2024-01-05T01:00"),
                        List.of("2024-01-03T01:00", "2024-01-04T01:00", "2024-01-05T01:00")),
                Arguments.of(
                        "keep-daily keeps the newest backup of each of the N newest days",
                        "keep-daily=2",
                        List.of(
                                "2024-01-01T08:00",
                                "2024-01-01T20:00",
                                "2024-01-02T08:00",
                                "2024-01-02T20:00",
                                "2024-01-03T08:00",
                                "2024-01-03T20:00"),
                        List.of("2024-01-02T20:00", "2024-01-03T20:00")),
                Arguments.of(
                        "keep-hourly works per clock hour",
                        "keep-hourly=2",
                        List.of(
                                "2024-01-01T10:05",
                                "2024-01-01T10:55",
                                "2024-01-01T11:10",
                                "2024-01-01T11:40",
                                "2024-01-01T12:01"),
                        List.of("2024-01-01T11:40", "2024-01-01T12:01")),
                Arguments.of(
                        "a period covered by keep-last is not counted again by keep-daily",
                        "keep-last=1,keep-daily=2",
                        List.of(
                                "2024-01-01T10:00",
                                "2024-01-02T08:00",
                                "2024-01-02T10:00",
                                "2024-01-03T08:00",
                                "2024-01-03T10:00"),
                        List.of("2024-01-01T10:00", "2024-01-02T10:00", "2024-01-03T10:00")),
                Arguments.of(
                        "keep-daily counts only days keep-last did not cover: one more day is kept",
                        "keep-last=2,keep-daily=1",
                        List.of(
                                "2024-01-01T10:00",
                                "2024-01-02T08:00",
                                "2024-01-02T09:00",
                                "2024-01-02T10:00"),
                        List.of("2024-01-01T10:00", "2024-01-02T09:00", "2024-01-02T10:00")),
                Arguments.of(
                        "keep-weekly uses ISO weeks: 2021-01-03 is in week 53 of 2020",
                        "keep-weekly=2",
                        List.of("2020-12-31T12:00", "2021-01-03T12:00", "2021-01-04T12:00"),
                        List.of("2021-01-03T12:00", "2021-01-04T12:00")),
                Arguments.of(
                        "keep-monthly keeps the newest per month",
                        "keep-monthly=2",
                        List.of(
                                "2024-01-10T00:00",
                                "2024-01-20T00:00",
                                "2024-02-10T00:00",
                                "2024-02-20T00:00",
                                "2024-03-05T00:00"),
                        List.of("2024-02-20T00:00", "2024-03-05T00:00")),
                Arguments.of(
                        "keep-yearly keeps the newest per year",
                        "keep-yearly=2",
                        List.of(
                                "2021-06-01T00:00",
                                "2022-03-01T00:00",
                                "2022-09-01T00:00",
                                "2023-01-01T00:00"),
                        List.of("2022-09-01T00:00", "2023-01-01T00:00")),
                Arguments.of(
                        "a backup that lost its day to a newer one is removed even if a later rule wants its"
                                + " month",
                        "keep-daily=1,keep-monthly=2",
                        List.of("2024-01-31T10:00", "2024-02-01T08:00", "2024-02-01T10:00"),
                        List.of("2024-01-31T10:00", "2024-02-01T10:00")),
                Arguments.of(
                        "combined daily, weekly and monthly",
                        "keep-daily=2,keep-weekly=2,keep-monthly=2",
                        List.of(
                                "2024-01-15T00:00",
                                "2024-02-05T00:00",
                                "2024-02-12T00:00",
                                "2024-02-19T00:00",
                                "2024-02-20T00:00",
                                "2024-02-21T00:00"),
                        // daily: 02-21, 02-20; weekly: week of 02-19 covered, then 02-12 (week
                        // 7)... 2 weeks: 02-12, 02-05;
                        // monthly: Feb covered, January: 01-15.
                        List.of(
                                "2024-01-15T00:00",
                                "2024-02-05T00:00",
                                "2024-02-12T00:00",
                                "2024-02-20T00:00",
                                "2024-02-21T00:00")),
                Arguments.of(
                        "protected backups stay and do not count for keep-last",
                        "keep-last=2",
                        List.of(
                                "2024-01-01T00:00",
                                "2024-01-02T00:00",
                                "2024-01-03T00:00",
                                "2024-01-04T00:00P"),
                        List.of("2024-01-02T00:00", "2024-01-03T00:00", "2024-01-04T00:00P")),
                Arguments.of(
                        "a protected backup does not cover its day for keep-daily",
                        "keep-daily=1",
                        List.of("2024-01-01T08:00", "2024-01-01T09:00P"),
                        List.of("2024-01-01T08:00", "2024-01-01T09:00P")),
                Arguments.of(
                        "keep-all keeps everything",
                        "keep-all=1",
                        List.of("2024-01-01T00:00", "2024-01-02T00:00"),
                        List.of("2024-01-01T00:00", "2024-01-02T00:00")),
                Arguments.of(
                        "no rule at all keeps everything",
                        "",
                        List.of("2024-01-01T00:00", "2024-01-02T00:00"),
                        List.of("2024-01-01T00:00", "2024-01-02T00:00")),
                Arguments.of(
                        "more rules than backups keeps them all",
                        "keep-last=10",
                        List.of("2024-01-01T00:00", "2024-01-02T00:00"),
                        List.of("2024-01-01T00:00", "2024-01-02T00:00")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void marksAsPveDoes(String title, String rules, List<String> backups, List<String> kept) {
        List<Entry> entries = new ArrayList<>();
        for (String backup : backups) {
            boolean protect = backup.endsWith("P");
            String time = protect ? backup.substring(0, backup.length() - 1) : backup;
            entries.add(
                    new Entry(
                            backup,
                            LocalDateTime.parse(time).toEpochSecond(ZoneOffset.UTC),
                            protect));
        }
        Map<String, Mark> marks =
                PruneRules.parse(rules, "prune-backups").mark(entries, ZoneOffset.UTC);
        List<String> stays =
                marks.entrySet().stream()
                        .filter(e -> e.getValue() != Mark.REMOVE)
                        .map(Map.Entry::getKey)
                        .sorted()
                        .toList();
        assertThat(stays).as(title).containsExactlyElementsOf(kept);
        marks.forEach(
                (volid, mark) -> {
                    if (volid.endsWith("P")) {
                        assertThat(mark).as("protected %s", volid).isEqualTo(Mark.PROTECTED);
                    }
                });
    }

    @Test
    void rejectsWhatPveRejects() {
        assertThatThrownBy(() -> PruneRules.parse("keep-all=1,keep-last=2", "prune-backups"))
                .isInstanceOf(PveException.class)
                .satisfies(
                        e ->
                                assertThat(((PveException) e).errors())
                                        .containsEntry(
                                                "prune-backups",
                                                "keep-all cannot be set together with other options."));
        assertThatThrownBy(() -> PruneRules.parse("keep-forever=1", "prune-backups"))
                .satisfies(
                        e ->
                                assertThat(((PveException) e).errors().get("prune-backups"))
                                        .contains("keep-forever"));
        assertThatThrownBy(() -> PruneRules.parse("keep-last=0", "prune-backups"))
                .satisfies(
                        e ->
                                assertThat(((PveException) e).errors().get("prune-backups"))
                                        .contains("minimum"));
        assertThatThrownBy(() -> PruneRules.parse("keep-last=x", "prune-backups"))
                .satisfies(
                        e ->
                                assertThat(((PveException) e).errors().get("prune-backups"))
                                        .contains("integer"));
    }

    @Test
    void printsInPveOrder() {
        assertThat(PruneRules.parse("keep-daily=7,keep-last=3", "p").print())
                .isEqualTo("keep-last=3,keep-daily=7");
        assertThat(PruneRules.parse("", "p").print()).isEqualTo("keep-all=1");
    }
}
