package io.pveha.alerting;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The known-answer vectors of the alerting reference (computed with Python's hmac, checked with
 * openssl).
 */
class SignaturesTest {
    @Test
    void dingTalkSignsTimestampNewlineSecretWithTheSecretAsKey() {
        assertThat(Signatures.dingtalk("SECtest0123456789", 1700000000000L))
                .isEqualTo("yBKp5IlG6qCzcQWmgyRK/ziJBdVNJmHfFE2ST/CzT/g=");
        assertThat(Signatures.dingtalkQuery("SECtest0123456789", 1700000000000L))
                .isEqualTo(
                        "timestamp=1700000000000&sign=yBKp5IlG6qCzcQWmgyRK%2FziJBdVNJmHfFE2ST%2FCzT%2Fg%3D");
    }

    @Test
    void feishuSignsAnEmptyMessageWithTimestampNewlineSecretAsKey() {
        assertThat(Signatures.feishu("feishutestsecret", 1700000000L))
                .isEqualTo("x/Zu40sfBTIz1QUNQHKO5U23lgSzndtkCSSxk0gTol4=");
    }
}
