package io.pveha.api.monitoring;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.pveha.api.SecretKeyRef;
import java.util.ArrayList;
import java.util.List;

/** A DingTalk (钉钉) custom robot, optionally in signed mode (加签). */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public class DingTalkReceiver {
    @Required
    @JsonPropertyDescription(
            "Secret key holding the robot's URL (https://oapi.dingtalk.com/robot/send?access_token=...; key default url).")
    private SecretKeyRef urlSecretRef;

    @JsonPropertyDescription(
            "Secret key holding the signing secret (SEC...) of a robot in signed mode (key default secret).")
    private SecretKeyRef signSecretRef;

    @Size(max = 20)
    @JsonPropertyDescription("Mobile numbers to @-mention on critical alerts.")
    private List<@Pattern(MonitoringPatterns.MOBILE) String> atMobiles = new ArrayList<>();

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

    public List<String> getAtMobiles() {
        return atMobiles;
    }

    public void setAtMobiles(List<String> atMobiles) {
        this.atMobiles = atMobiles;
    }
}
