package io.pveha.api.monitoring;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.pveha.api.SecretKeyRef;
import java.util.ArrayList;
import java.util.List;

/** A WeCom (企业微信) group robot: markdown messages to its webhook URL. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public class WeComReceiver {
    @Required
    @JsonPropertyDescription(
            "Secret key holding the robot's webhook URL (https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=...; key default url).")
    private SecretKeyRef urlSecretRef;

    @Size(max = 20)
    @JsonPropertyDescription(
            "Mobile numbers to @-mention on critical alerts (text message after the markdown).")
    private List<@Pattern(MonitoringPatterns.MOBILE) String> mentionMobiles = new ArrayList<>();

    public SecretKeyRef getUrlSecretRef() {
        return urlSecretRef;
    }

    public void setUrlSecretRef(SecretKeyRef urlSecretRef) {
        this.urlSecretRef = urlSecretRef;
    }

    public List<String> getMentionMobiles() {
        return mentionMobiles;
    }

    public void setMentionMobiles(List<String> mentionMobiles) {
        this.mentionMobiles = mentionMobiles;
    }
}
