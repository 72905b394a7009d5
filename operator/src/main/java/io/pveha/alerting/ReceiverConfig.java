package io.pveha.alerting;

import io.pveha.api.monitoring.EmailReceiver;
import java.util.List;

/**
 * A receiver with its Secret values resolved. Never printed: {@link #toString()} names the receiver
 * only.
 *
 * @param url the webhook URL (a credential: the key is in it)
 * @param signSecret DingTalk/Feishu signing secret, or null
 * @param mobiles numbers to @-mention on critical messages
 */
public record ReceiverConfig(
        String name,
        String kind,
        String url,
        String signSecret,
        List<String> mobiles,
        Smtp smtp,
        List<String> to) {

    /** SMTP settings from the receiver's Secret. */
    public record Smtp(
            String host,
            int port,
            String from,
            String username,
            String password,
            EmailReceiver.Security security) {
        @Override
        public String toString() {
            return "Smtp[" + host + ":" + port + "]";
        }
    }

    @Override
    public String toString() {
        return "Receiver[" + name + " (" + kind + ")]";
    }
}
