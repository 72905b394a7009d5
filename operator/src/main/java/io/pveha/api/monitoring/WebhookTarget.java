package io.pveha.api.monitoring;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import io.pveha.api.SecretKeyRef;

/**
 * A receiver reached by one URL kept in a Secret (WeCom group robot, Slack, generic webhook): the
 * URL carries the credential, so it never appears in the spec.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public class WebhookTarget {
    @Required
    @JsonPropertyDescription("Secret key holding the whole webhook URL (key default url).")
    private SecretKeyRef urlSecretRef;

    public SecretKeyRef getUrlSecretRef() {
        return urlSecretRef;
    }

    public void setUrlSecretRef(SecretKeyRef urlSecretRef) {
        this.urlSecretRef = urlSecretRef;
    }
}
