package io.pveha.api.monitoring;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.ArrayList;
import java.util.List;

/** A node failure and what the node carried, followed until PVE has recovered it. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public class IncidentState {
    private String id;
    private String node;
    private String startedAt;
    private Boolean fenced;
    private String recoveredAt;
    private List<IncidentVm> vms = new ArrayList<>();
    private List<String> osds = new ArrayList<>();
    private List<String> backends = new ArrayList<>();

    /** A HA VM the failed node carried. */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public static class IncidentVm {
        private String name;
        private Integer vmid;
        private String startedOn;

        public String getName() {
            return name;
        }

        public void setName(String name) {
            this.name = name;
        }

        public Integer getVmid() {
            return vmid;
        }

        public void setVmid(Integer vmid) {
            this.vmid = vmid;
        }

        public String getStartedOn() {
            return startedOn;
        }

        public void setStartedOn(String startedOn) {
            this.startedOn = startedOn;
        }
    }

    public String getId() {
        return id;
    }

    public void setId(String id) {
        this.id = id;
    }

    public String getNode() {
        return node;
    }

    public void setNode(String node) {
        this.node = node;
    }

    public String getStartedAt() {
        return startedAt;
    }

    public void setStartedAt(String startedAt) {
        this.startedAt = startedAt;
    }

    public Boolean getFenced() {
        return fenced;
    }

    public void setFenced(Boolean fenced) {
        this.fenced = fenced;
    }

    public String getRecoveredAt() {
        return recoveredAt;
    }

    public void setRecoveredAt(String recoveredAt) {
        this.recoveredAt = recoveredAt;
    }

    public List<IncidentVm> getVms() {
        return vms;
    }

    public void setVms(List<IncidentVm> vms) {
        this.vms = vms;
    }

    public List<String> getOsds() {
        return osds;
    }

    public void setOsds(List<String> osds) {
        this.osds = osds;
    }

    public List<String> getBackends() {
        return backends;
    }

    public void setBackends(List<String> backends) {
        this.backends = backends;
    }
}
