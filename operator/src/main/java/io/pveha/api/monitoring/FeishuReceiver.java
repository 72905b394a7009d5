package io.pveha.api.monitoring;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import io.pveha.api.SecretKeyRef;

/** A Feishu / Lark (飞书) custom bot: interactive cards, optionally signed. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public class FeishuReceiver {
    @Required
    @JsonPropertyDescription(
            "Secret key holding the bot's URL (https://open.feishu.cn/open-apis/bot/v2/hook/...; key default url).")
    private SecretKeyRef urlSecretRef;

    @JsonPropertyDescription("Secret key holding the bot's signing secret (key default secret).")
    private SecretKeyRef signSecretRef;

    public SecretKeyRef getUrlSecretRef() {
        return urlSecretRef;
    }

    public void setUrlSecretRef(SecretKeyRef urlSecretRef) {
        this.urlSecretRef = urlSecretRef;
    }

    public SecretKeyRef getSignSecretRef() {
        return signSecretRef;
    }

    public void setSignSecretRef(SecretKeyRef signSecretRef) {
        this.signSecretRef = signSecretRef;
    }
}
