package io.pveha.api.monitoring;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.ArrayList;
import java.util.List;

/** HaVm.spec.monitoring: the VM's service checks. Adding a check is adding YAML. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public class VmMonitoring {
    @Size(max = 16)
    @ValidationRule(
            value = "self.all(c, self.exists_one(d, d.name == c.name))",
            message = "check names must be unique")
    @JsonPropertyDescription("Service checks, run by the operator while the VM should run.")
    private List<ServiceCheck> checks = new ArrayList<>();

    public List<ServiceCheck> getChecks() {
        return checks;
    }

    public void setChecks(List<ServiceCheck> checks) {
        this.checks = checks;
    }
}
