package io.pveha.api.monitoring;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.pveha.api.ObjectRef;
import java.util.ArrayList;
import java.util.List;

/** E-mail over SMTP. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public class EmailReceiver {
    /** How the SMTP connection is protected. */
    public enum Security {
        /** Plain connection upgraded with STARTTLS, which the server must offer (the default). */
        StartTLS,
        /** TLS from the first byte (SMTPS, usually port 465). */
        TLS,
        /** No encryption: only for a relay on the same host or in tests. */
        None
    }

    @Required
    @Size(min = 1, max = 20)
    @JsonPropertyDescription("Recipients.")
    private List<@Pattern(MonitoringPatterns.EMAIL) String> to = new ArrayList<>();

    @Required
    @JsonPropertyDescription(
            "Secret with keys host, port (default 587), from, and optionally username and password.")
    private ObjectRef smtpSecretRef;

    @JsonPropertyDescription("StartTLS (default), TLS or None.")
    private Security security;

    public List<String> getTo() {
        return to;
    }

    public void setTo(List<String> to) {
        this.to = to;
    }

    public ObjectRef getSmtpSecretRef() {
        return smtpSecretRef;
    }

    public void setSmtpSecretRef(ObjectRef smtpSecretRef) {
        this.smtpSecretRef = smtpSecretRef;
    }

    public Security getSecurity() {
        return security;
    }

    public void setSecurity(Security security) {
        this.security = security;
    }
}
