package io.pveha.monitoring;

import io.pveha.api.monitoring.Language;

/** A sentence in both message languages. */
public record Text(String zh, String en) {
    public static Text of(String zh, String en) {
        return new Text(zh, en);
    }

    public String in(Language language) {
        return language == Language.EN ? en : zh;
    }

    /** Language-neutral text (names, numbers). */
    public static Text plain(String s) {
        return new Text(s, s);
    }
}
