package io.pveha.api.vm;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.pveha.api.Patterns;
import io.pveha.api.SecretKeyRef;
import java.util.ArrayList;
import java.util.List;

/** Cloud-init settings; the operator adds the cloud-init drive. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public class CloudInit {
    public static final String DEFAULT_SSH_KEYS_KEY = "ssh-authorized-keys";
    public static final String DEFAULT_PASSWORD_KEY = "password";

    @Pattern(Patterns.UNIX_USER)
    private String user;

    @JsonPropertyDescription(
            "Secret with authorized SSH public keys, one per line (key default ssh-authorized-keys).")
    private SecretKeyRef sshKeysSecretRef;

    @JsonPropertyDescription("Secret with the user's password (key default password).")
    private SecretKeyRef passwordSecretRef;

    @Size(max = 8)
    @JsonPropertyDescription("IP configuration per NIC, in NIC order (ipconfig0, ipconfig1, ...).")
    private List<IpConfig> ipConfigs = new ArrayList<>();

    @Size(max = 3)
    private List<@Pattern(Patterns.IPV4) String> nameservers = new ArrayList<>();

    @Size(max = 253)
    @Pattern(Patterns.HOST)
    private String searchDomain;

    @Size(max = 64)
    @Pattern(Patterns.PVE_STORAGE_ID)
    @JsonPropertyDescription(
            "Storage for the cloud-init drive (default: the first disk's storage).")
    private String storage;

    public String getUser() {
        return user;
    }

    public void setUser(String user) {
        this.user = user;
    }

    public SecretKeyRef getSshKeysSecretRef() {
        return sshKeysSecretRef;
    }

    public void setSshKeysSecretRef(SecretKeyRef sshKeysSecretRef) {
        this.sshKeysSecretRef = sshKeysSecretRef;
    }

    public SecretKeyRef getPasswordSecretRef() {
        return passwordSecretRef;
    }

    public void setPasswordSecretRef(SecretKeyRef passwordSecretRef) {
        this.passwordSecretRef = passwordSecretRef;
    }

    public List<IpConfig> getIpConfigs() {
        return ipConfigs;
    }

    public void setIpConfigs(List<IpConfig> ipConfigs) {
        this.ipConfigs = ipConfigs;
    }

    public List<String> getNameservers() {
        return nameservers;
    }

    public void setNameservers(List<String> nameservers) {
        this.nameservers = nameservers;
    }

    public String getSearchDomain() {
        return searchDomain;
    }

    public void setSearchDomain(String searchDomain) {
        this.searchDomain = searchDomain;
    }

    public String getStorage() {
        return storage;
    }

    public void setStorage(String storage) {
        this.storage = storage;
    }
}
