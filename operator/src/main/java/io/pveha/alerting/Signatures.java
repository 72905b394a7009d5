package io.pveha.alerting;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** The signatures of signed robots, exactly as the providers document them. */
public final class Signatures {
    private Signatures() {}

    /**
     * DingTalk (加签): base64(HmacSHA256(key = secret, data = timestamp + "\n" + secret)), timestamp
     * in epoch milliseconds; goes URL-encoded into the query as {@code &timestamp=..&sign=..}.
     */
    public static String dingtalk(String secret, long timestampMillis) {
        return base64(
                hmac(
                        secret.getBytes(StandardCharsets.UTF_8),
                        (timestampMillis + "\n" + secret).getBytes(StandardCharsets.UTF_8)));
    }

    /** The DingTalk signature as it goes into the query string. */
    public static String dingtalkQuery(String secret, long timestampMillis) {
        return "timestamp="
                + timestampMillis
                + "&sign="
                + URLEncoder.encode(dingtalk(secret, timestampMillis), StandardCharsets.UTF_8);
    }

    /**
     * Feishu / Lark: base64(HmacSHA256(key = timestamp + "\n" + secret, data = empty)), timestamp
     * in epoch seconds; both go into the JSON body.
     */
    public static String feishu(String secret, long timestampSeconds) {
        return base64(
                hmac(
                        (timestampSeconds + "\n" + secret).getBytes(StandardCharsets.UTF_8),
                        new byte[0]));
    }

    private static byte[] hmac(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    private static String base64(byte[] b) {
        return Base64.getEncoder().encodeToString(b);
    }
}
