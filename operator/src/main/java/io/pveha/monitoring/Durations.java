package io.pveha.monitoring;

import java.time.Duration;

/** "3 m 04 s" / "3 分 04 秒": how long something took, for people. */
public final class Durations {
    private Durations() {}

    public static Text human(Duration d) {
        long s = Math.max(0, d.getSeconds());
        long h = s / 3600;
        long m = (s % 3600) / 60;
        long sec = s % 60;
        if (h > 0) {
            return Text.of(
                    String.format("%d 小时 %02d 分 %02d 秒", h, m, sec),
                    String.format("%d h %02d m %02d s", h, m, sec));
        }
        if (m > 0) {
            return Text.of(
                    String.format("%d 分 %02d 秒", m, sec), String.format("%d m %02d s", m, sec));
        }
        return Text.of(sec + " 秒", sec + " s");
    }
}
