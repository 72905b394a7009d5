package io.pveha.api.monitoring;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.pveha.api.Patterns;

/** Where alert messages go: exactly one provider per receiver. */
@ValidationRule(
        value =
                "(has(self.wecom) ? 1 : 0) + (has(self.dingtalk) ? 1 : 0) + (has(self.feishu) ? 1 : 0)"
                        + " + (has(self.email) ? 1 : 0) + (has(self.slack) ? 1 : 0) + (has(self.webhook) ? 1 : 0) == 1",
        message = "a receiver has exactly one of wecom, dingtalk, feishu, email, slack, webhook")
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public class Receiver {
    @Required
    @Size(max = 63)
    @Pattern(Patterns.DNS_LABEL)
    @JsonPropertyDescription("Name routes refer to.")
    private String name;

    @JsonPropertyDescription("WeCom (企业微信) group robot.")
    private WeComReceiver wecom;

    @JsonPropertyDescription("DingTalk (钉钉) custom robot.")
    private DingTalkReceiver dingtalk;

    @JsonPropertyDescription("Feishu / Lark (飞书) custom bot.")
    private FeishuReceiver feishu;

    @JsonPropertyDescription("E-mail over SMTP.")
    private EmailReceiver email;

    @JsonPropertyDescription("Slack incoming webhook.")
    private WebhookTarget slack;

    @JsonPropertyDescription(
            "Generic webhook receiving Alertmanager's v4 payload, so existing bridges work.")
    private WebhookTarget webhook;

    /** The provider's name, e.g. wecom. */
    public String kind() {
        if (wecom != null) return "wecom";
        if (dingtalk != null) return "dingtalk";
        if (feishu != null) return "feishu";
        if (email != null) return "email";
        if (slack != null) return "slack";
        if (webhook != null) return "webhook";
        return "none";
    }

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public WeComReceiver getWecom() {
        return wecom;
    }

    public void setWecom(WeComReceiver wecom) {
        this.wecom = wecom;
    }

    public DingTalkReceiver getDingtalk() {
        return dingtalk;
    }

    public void setDingtalk(DingTalkReceiver dingtalk) {
        this.dingtalk = dingtalk;
    }

    public FeishuReceiver getFeishu() {
        return feishu;
    }

    public void setFeishu(FeishuReceiver feishu) {
        this.feishu = feishu;
    }

    public EmailReceiver getEmail() {
        return email;
    }

    public void setEmail(EmailReceiver email) {
        this.email = email;
    }

    public WebhookTarget getSlack() {
        return slack;
    }

    public void setSlack(WebhookTarget slack) {
        this.slack = slack;
    }

    public WebhookTarget getWebhook() {
        return webhook;
    }

    public void setWebhook(WebhookTarget webhook) {
        this.webhook = webhook;
    }
}
