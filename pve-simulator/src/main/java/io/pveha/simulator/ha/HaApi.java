package io.pveha.simulator.ha;

import io.pveha.simulator.model.PveException;
import io.pveha.simulator.model.PveRelease;
import io.pveha.simulator.model.VmState;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * PVE's HA API ({@code PVE::API2::HA::Resources}, {@code Groups}, {@code Status}, and the {@code
 * ha-manager crm-command}s) without HTTP: the checks, the error texts (500 with the message as
 * reason phrase, including the {@code create resource failed: } prefixes of {@code lock_ha_domain})
 * and the JSON shapes. Call under the cluster state lock (write lock for changes).
 */
public final class HaApi {
    /** Options a {@code vm}/{@code ct} resource can have ({@code PVEVM::options}). */
    private static final Set<String> RESOURCE_OPTIONS =
            Set.of("state", "group", "failback", "comment", "max_restart", "max_relocate");

    private static final Set<String> GROUP_OPTIONS =
            Set.of("nodes", "comment", "nofailback", "restricted");

    /**
     * How updates of one config file fail: the {@code lock_ha_domain} prefix and the options it
     * knows.
     */
    private record SectionKind(
            String failed, String missing, Set<String> options, Set<String> required) {}

    private static final SectionKind RESOURCE =
            new SectionKind(
                    "update resources config failed",
                    "no such resource",
                    RESOURCE_OPTIONS,
                    Set.of());
    private static final SectionKind GROUP =
            new SectionKind(
                    "update ha group failed", "no such ha group", GROUP_OPTIONS, Set.of("nodes"));
    private static final DateTimeFormatter LOCALTIME =
            DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss yyyy", Locale.ROOT)
                    .withZone(ZoneId.systemDefault());

    private final HaCluster ha;

    HaApi(HaCluster ha) {
        this.ha = ha;
    }

    // ---- resources ---------------------------------------------------------------------------

    /**
     * {@code GET /cluster/ha/resources}: only the options set in resources.cfg, plus sid, type and
     * digest.
     */
    public List<Map<String, Object>> resources(String type) {
        return resources(type, ha.cluster.oldestRelease());
    }

    /**
     * As answered by a node of {@code release}: PVE 9 leaves out {@code group} once the groups were
     * migrated to rules.
     */
    public List<Map<String, Object>> resources(String type, PveRelease release) {
        String digest = ha.resources.digest();
        boolean excludeGroup = release.hasHaRules() && ha.groupsMigrated();
        List<Map<String, Object>> result = new ArrayList<>();
        for (SectionConfig.Section section : ha.resources.all()) {
            if (type != null && !type.equals(section.type())) {
                continue;
            }
            Map<String, Object> entry = resourceJson(section, digest);
            if (excludeGroup) {
                entry.remove("group");
            }
            String group = (String) entry.get("group");
            if (group != null && ha.groups.get(group).isEmpty()) {
                entry.put("errors", Map.of("group", "group '" + group + "' does not exist"));
            }
            result.add(entry);
        }
        return result;
    }

    /** {@code GET /cluster/ha/resources/{sid}}. */
    public Map<String, Object> resource(String sidParam) {
        return resource(sidParam, ha.cluster.oldestRelease());
    }

    public Map<String, Object> resource(String sidParam, PveRelease release) {
        String sid = parseSid(sidParam);
        SectionConfig.Section section =
                ha.resources
                        .get(sid)
                        .orElseThrow(() -> PveException.internal("no such resource '" + sid + "'"));
        Map<String, Object> entry = resourceJson(section, ha.resources.digest());
        if (release.hasHaRules() && ha.groupsMigrated()) {
            entry.remove("group");
        }
        return entry;
    }

    /** {@code POST /cluster/ha/resources}. */
    public void createResource(Map<String, String> params) {
        createResource(params, ha.cluster.oldestRelease());
    }

    public void createResource(Map<String, String> params, PveRelease release) {
        requireRelease9(release, params, "failback");
        checkCfsQuorum();
        String sid = parseSid(params.get("sid"));
        String type = sid.substring(0, sid.indexOf(':'));
        String name = sid.substring(sid.indexOf(':') + 1);
        if (params.containsKey("type") && !params.get("type").equals(type)) {
            throw PveException.internal("types does not match");
        }
        if (params.get("group") != null && release.hasHaRules() && ha.groupsMigrated()) {
            throw PveException.internal(
                    "invalid parameter 'group': ha groups have been migrated to rules");
        }
        checkResourceType(type);
        if (!name.matches("[1-9][0-9]+")) {
            throw PveException.internal("invalid VMID");
        }
        if (!type.equals("vm") || ha.cluster.vm(Integer.parseInt(name)).isEmpty()) {
            throw PveException.internal("resource '" + sid + "' does not exist in cluster");
        }
        Map<String, String> options = resourceOptions(params);
        lockHaDomain("create resource failed");
        if (ha.resources.get(sid).isPresent()) {
            throw PveException.internal(
                    "create resource failed: resource ID '" + sid + "' already defined");
        }
        ha.resources.put(new SectionConfig.Section(type, sid, options));
    }

    /** {@code PUT /cluster/ha/resources/{sid}} (also what {@code ha-manager set} runs). */
    public void updateResource(String sidParam, Map<String, String> params) {
        updateResource(sidParam, params, ha.cluster.oldestRelease());
    }

    public void updateResource(String sidParam, Map<String, String> params, PveRelease release) {
        requireRelease9(release, params, "failback");
        String sid = parseSid(sidParam);
        String type = sid.substring(0, sid.indexOf(':'));
        if (params.containsKey("type") && !params.get("type").equals(type)) {
            throw PveException.internal("types does not match");
        }
        String group = params.get("group");
        if (group != null && !group.isEmpty()) {
            if (release.hasHaRules() && ha.groupsMigrated()) {
                throw PveException.internal(
                        "invalid parameter 'group': ha groups have been migrated to rules");
            }
            if (ha.groups.get(group).isEmpty()) {
                throw PveException.internal("HA group '" + group + "' does not exist");
            }
        }
        checkServiceState(sid, params.get("state"));
        update(ha.resources, RESOURCE, sid, params, resourceOptions(params));
    }

    /** {@code DELETE /cluster/ha/resources/{sid}}. */
    public void deleteResource(String sidParam) {
        deleteResource(sidParam, null, ha.cluster.oldestRelease());
    }

    /**
     * {@code purge} (PVE 9, default 1): also removes the resource from every rule, deleting a rule
     * left without resources ({@code delete_service_from_config}).
     */
    public void deleteResource(String sidParam, Boolean purge, PveRelease release) {
        if (purge != null && !release.hasHaRules()) {
            throw PveRelease.unknownParameter("purge");
        }
        String sid = parseSid(sidParam);
        if (ha.resources.get(sid).isEmpty()) {
            throw PveException.internal("cannot delete service '" + sid + "', not HA managed!");
        }
        lockHaDomain("delete resource failed");
        ha.resources.remove(sid);
        if (release.hasHaRules() && !Boolean.FALSE.equals(purge)) {
            purgeFromRules(sid);
        }
    }

    /** Removes {@code sid} from every rule; a rule left without resources is deleted. */
    void purgeFromRules(String sid) {
        for (HaRule rule : ha.ruleList()) {
            if (!rule.resources().contains(sid)) {
                continue;
            }
            java.util.SortedSet<String> left = new java.util.TreeSet<>(rule.resources());
            left.remove(sid);
            if (left.isEmpty()) {
                ha.rules.remove(rule.id());
            } else {
                ha.rules.put(rule.withResources(left).section());
            }
        }
    }

    /**
     * {@code POST /cluster/ha/resources/{sid}/migrate|relocate}: queues a CRM command, nothing
     * more.
     */
    public void queueMove(String kind, String sidParam, String node) {
        String sid = parseSid(sidParam);
        requireHaManaged(sid);
        checkServiceState(sid, null);
        queueCrmCommand(kind + " " + sid + " " + node);
    }

    /** {@code ha-manager crm-command stop <sid> <timeout>} (what {@code hastop} tasks run). */
    void queueStop(String sidParam, int timeout) {
        String sid = parseSid(sidParam);
        requireHaManaged(sid);
        checkServiceState(sid, null);
        queueCrmCommand("stop " + sid + " " + timeout);
    }

    /** {@code ha-manager crm-command node-maintenance enable|disable <node>}. */
    void nodeMaintenance(String node, boolean enable) {
        if (ha.cluster.node(node).isEmpty()) {
            throw PveException.internal("no such cluster node '" + node + "'");
        }
        queueCrmCommand((enable ? "enable" : "disable") + "-node-maintenance " + node);
    }

    /**
     * Whether destroying the guest needs {@code purge} ({@code service_is_configured}, ignored or
     * not).
     */
    boolean configured(String sid) {
        return ha.resources.get(sid).isPresent();
    }

    /** {@code vm_is_ha_managed}: configured and not {@code ignored}. */
    boolean managed(String sid) {
        return ha.resources
                .get(sid)
                .map(s -> !"ignored".equals(s.options().get("state")))
                .orElse(false);
    }

    // ---- groups ------------------------------------------------------------------------------

    public List<Map<String, Object>> groups() {
        return groups(ha.cluster.oldestRelease());
    }

    /** {@code GET /cluster/ha/groups}; PVE 9 refuses once the groups were migrated to rules. */
    public List<Map<String, Object>> groups(PveRelease release) {
        refuseMigratedGroups(release, "index groups");
        String digest = ha.groups.digest();
        return ha.groups.all().stream().map(section -> groupJson(section, digest)).toList();
    }

    public Map<String, Object> group(String name) {
        return group(name, ha.cluster.oldestRelease());
    }

    public Map<String, Object> group(String name, PveRelease release) {
        refuseMigratedGroups(release, "read group");
        SectionConfig.Section section =
                ha.groups
                        .get(name)
                        .orElseThrow(
                                () -> PveException.internal("no such ha group '" + name + "'"));
        return groupJson(section, ha.groups.digest());
    }

    public void createGroup(Map<String, String> params) {
        createGroup(params, ha.cluster.oldestRelease());
    }

    public void createGroup(Map<String, String> params, PveRelease release) {
        refuseMigratedGroups(release, "create group");
        checkCfsQuorum();
        String name = params.get("group");
        checkGroupType(params);
        Map<String, String> options = groupOptions(params);
        lockHaDomain("create ha group failed");
        if (ha.groups.get(name).isPresent()) {
            throw PveException.internal(
                    "create ha group failed: ha group ID '" + name + "' already defined");
        }
        ha.groups.put(new SectionConfig.Section("group", name, options));
    }

    public void updateGroup(String name, Map<String, String> params) {
        updateGroup(name, params, ha.cluster.oldestRelease());
    }

    public void updateGroup(String name, Map<String, String> params, PveRelease release) {
        refuseMigratedGroups(release, "update group");
        checkGroupType(params);
        update(ha.groups, GROUP, name, params, groupOptions(params));
    }

    public void deleteGroup(String name) {
        deleteGroup(name, ha.cluster.oldestRelease());
    }

    /**
     * {@code DELETE /cluster/ha/groups/{group}}: refused while a resource uses it; a missing group
     * is no error.
     */
    public void deleteGroup(String name, PveRelease release) {
        refuseMigratedGroups(release, "delete group");
        lockHaDomain("delete ha group failed");
        for (SectionConfig.Section resource : ha.resources.all()) {
            if (name.equals(resource.options().get("group"))) {
                throw PveException.internal(
                        "delete ha group failed: ha group is used by service '"
                                + resource.id()
                                + "'");
            }
        }
        ha.groups.remove(name);
    }

    /**
     * PVE 9's group endpoints once {@code have_groups_been_migrated}: {@code cannot create group:
     * ha groups have been migrated to rules}.
     */
    private void refuseMigratedGroups(PveRelease release, String what) {
        if (release.hasHaRules() && ha.groupsMigrated()) {
            throw PveException.internal(
                    "cannot " + what + ": ha groups have been migrated to rules");
        }
    }

    // ---- rules (PVE 9) -----------------------------------------------------------------------

    /**
     * {@code GET /cluster/ha/rules}: every rule in file order (groups not yet migrated included as
     * PVE migrates them in memory), with {@code digest}, {@code order} and the feasibility {@code
     * errors} of the rule, optionally only one {@code type} or the rules of one {@code resource}.
     */
    public List<Map<String, Object>> rules(String type, String resource) {
        List<HaRule> rules = ha.fullRules();
        Map<String, Map<String, List<String>>> errors = HaRules.check(rules, managerNodes());
        String digest = ha.rules.digest();
        List<Map<String, Object>> result = new ArrayList<>();
        for (int i = 0; i < rules.size(); i++) {
            HaRule rule = rules.get(i);
            if ((type != null && !type.equals(rule.type()))
                    || (resource != null && !rule.resources().contains(resource))) {
                continue;
            }
            result.add(ruleJson(rule, i + 1, digest, errors.get(rule.id())));
        }
        return result;
    }

    /** {@code GET /cluster/ha/rules/{rule}}. */
    public Map<String, Object> rule(String id) {
        List<HaRule> rules = ha.fullRules();
        for (int i = 0; i < rules.size(); i++) {
            if (rules.get(i).id().equals(id)) {
                Map<String, Map<String, List<String>>> errors =
                        HaRules.check(rules, managerNodes());
                return ruleJson(rules.get(i), i + 1, ha.rules.digest(), errors.get(id));
            }
        }
        throw PveException.internal("no such ha rule '" + id + "'");
    }

    /** {@code POST /cluster/ha/rules}. */
    public void createRule(Map<String, String> params) {
        checkCfsQuorum();
        if (!ha.groupsMigrated()) {
            throw PveException.internal(
                    "cannot create ha rule: ha groups have not been migrated yet");
        }
        String type = params.get("type");
        String id = params.get("rule");
        Map<String, String> options = ruleOptions(type, params);
        for (String required : HaRule.REQUIRED.get(type)) {
            if (!options.containsKey(required)) {
                throw PveException.internal("missing value for required option '" + required + "'");
            }
        }
        lockHaDomain("create ha rule failed");
        if (ha.rules.get(id).isPresent()) {
            throw PveException.internal(
                    "create ha rule failed: HA rule '" + id + "' already defined");
        }
        HaRule rule = HaRule.of(new SectionConfig.Section(type, id, options));
        checkResourcesAndNodes(rule, "create ha rule failed", true, true);
        List<HaRule> all = new ArrayList<>(ha.ruleList());
        all.add(rule);
        assertFeasible(all, id);
        ha.rules.put(rule.section());
    }

    /** {@code PUT /cluster/ha/rules/{rule}}: options given replace, {@code delete} removes. */
    public void updateRule(String id, Map<String, String> params) {
        if (!ha.groupsMigrated()) {
            throw PveException.internal(
                    "cannot update ha rule: ha groups have not been migrated yet");
        }
        String failed = "update HA rules failed";
        lockHaDomain(failed);
        if (params.get("digest") != null && !params.get("digest").equals(ha.rules.digest())) {
            throw PveException.internal(
                    failed
                            + ": detected modified configuration - file changed by other user? Try again.");
        }
        SectionConfig.Section section =
                ha.rules
                        .get(id)
                        .orElseThrow(
                                () ->
                                        PveException.internal(
                                                failed + ": HA rule '" + id + "' does not exist"));
        Map<String, String> given;
        try {
            given = ruleOptions(section.type(), params);
        } catch (PveException e) {
            throw PveException.internal(failed + ": " + e.getMessage());
        }
        Map<String, String> options = new LinkedHashMap<>(section.options());
        for (String key : splitDelete(params.get("delete"))) {
            if (!HaRule.OPTIONS.get(section.type()).contains(key)) {
                throw PveException.internal(failed + ": no such option '" + key + "'");
            }
            if (HaRule.REQUIRED.get(section.type()).contains(key)) {
                throw PveException.internal(
                        failed + ": unable to delete required option '" + key + "'");
            }
            if (given.containsKey(key)) {
                throw PveException.internal(
                        failed
                                + ": cannot set and delete property '"
                                + key
                                + "' at the same time!");
            }
            options.remove(key);
        }
        options.putAll(given);
        HaRule rule = HaRule.of(new SectionConfig.Section(section.type(), id, options));
        checkResourcesAndNodes(
                rule, failed, given.containsKey("resources"), given.containsKey("nodes"));
        List<HaRule> all = new ArrayList<>();
        for (HaRule r : ha.ruleList()) {
            all.add(r.id().equals(id) ? rule : r);
        }
        assertFeasible(all, id);
        ha.rules.put(rule.section());
    }

    /** {@code DELETE /cluster/ha/rules/{rule}}: a missing rule is no error. */
    public void deleteRule(String id) {
        lockHaDomain("delete ha rule failed");
        ha.rules.remove(id);
    }

    /**
     * The options of a rule of {@code type} from API parameters ({@code check_config}): options of
     * the other type are refused ({@code unexpected property}), a false {@code disable} is dropped,
     * lists are normalised.
     */
    private static Map<String, String> ruleOptions(String type, Map<String, String> params) {
        Map<String, String> options = new LinkedHashMap<>();
        for (String key :
                List.of("comment", "disable", "resources", "nodes", "strict", "affinity")) {
            String value = params.get(key);
            if (value == null) {
                continue;
            }
            if (key.equals("disable") && value.equals("0")) {
                continue;
            }
            if (!HaRule.OPTIONS.get(type).contains(key)) {
                throw PveException.internal("unexpected property '" + key + "'");
            }
            options.put(
                    key,
                    switch (key) {
                        case "resources" -> String.join(",", HaRule.parseResources(value));
                        case "nodes" -> HaRule.encodeNodes(HaRule.parseNodes(value));
                        default -> value;
                    });
        }
        return options;
    }

    /** {@code $assert_valid_resources_param}, {@code $assert_valid_nodes_param}. */
    private void checkResourcesAndNodes(
            HaRule rule, String failed, boolean resources, boolean nodes) {
        if (resources) {
            if (rule.resources().isEmpty()) {
                throw PveException.internal(failed + ": no resources were specified");
            }
            List<String> unmanaged =
                    rule.resources().stream()
                            .filter(sid -> ha.resources.get(sid).isEmpty())
                            .toList();
            if (!unmanaged.isEmpty()) {
                throw PveException.internal(
                        failed
                                + ": cannot use unmanaged resource(s) "
                                + String.join(", ", unmanaged)
                                + ".");
            }
        }
        if (nodes && rule.nodeAffinity()) {
            if (rule.nodes().isEmpty()) {
                throw PveException.internal(failed + ": no nodes were specified");
            }
            List<String> unknown =
                    rule.nodes().keySet().stream()
                            .filter(n -> ha.cluster.node(n).isEmpty())
                            .toList();
            if (!unknown.isEmpty()) {
                throw PveException.internal(
                        failed
                                + ": cannot use non-existent node(s) "
                                + String.join(", ", unknown)
                                + ".");
            }
        }
    }

    /**
     * {@code $assert_feasibility}: 400 {@code Rule 'x' is invalid.} with the rule's errors by
     * option, when the rule set (groups migrated in memory included) is infeasible for it.
     */
    private void assertFeasible(List<HaRule> stored, String id) {
        Map<String, HaRule> byId = new LinkedHashMap<>();
        stored.forEach(r -> byId.put(r.id(), r));
        List<HaRule> full = new ArrayList<>(byId.values());
        Map<String, List<String>> errors = HaRules.check(full, managerNodes()).get(id);
        if (errors == null) {
            return;
        }
        Map<String, String> joined = new TreeMap<>();
        errors.forEach((option, messages) -> joined.put(option, String.join(", ", messages)));
        throw new PveException(400, "Rule '" + id + "' is invalid.\n", joined);
    }

    /** The nodes the feasibility checks count: those in the manager status. */
    private List<String> managerNodes() {
        return new ArrayList<>(ha.managerStatus.nodeStatus.keySet());
    }

    private static Map<String, Object> ruleJson(
            HaRule rule, int order, String digest, Map<String, List<String>> errors) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("rule", rule.id());
        entry.put("type", rule.type());
        entry.put("resources", String.join(",", rule.resources()));
        if (rule.nodeAffinity()) {
            entry.put("nodes", HaRule.encodeNodes(rule.nodes()));
            if (rule.strict()) {
                entry.put("strict", 1);
            }
        } else {
            entry.put("affinity", rule.affinity());
        }
        if (rule.disabled()) {
            entry.put("disable", 1);
        }
        if (rule.comment() != null) {
            entry.put("comment", rule.comment());
        }
        entry.put("digest", digest);
        entry.put("order", order);
        if (errors != null) {
            entry.put("errors", errors);
        }
        return entry;
    }

    // ---- status ------------------------------------------------------------------------------

    /** {@code GET /cluster/ha/status/current}, answered by {@code localNode}. */
    public List<Map<String, Object>> statusCurrent(String localNode) {
        boolean pve9 = ha.release(localNode).hasHaRules();
        List<Map<String, Object>> result = new ArrayList<>();
        boolean quorate = ha.quorate(localNode);
        Map<String, Object> quorum = new LinkedHashMap<>();
        quorum.put("id", "quorum");
        quorum.put("type", "quorum");
        quorum.put("node", localNode);
        quorum.put("status", quorate ? "OK" : "No quorum on node '" + localNode + "'!");
        quorum.put("quorate", quorate ? 1 : 0);
        result.add(quorum);

        ManagerStatus ms = ha.managerStatus;
        Map<String, ServiceConfig> sc = ha.serviceConfig();
        long now = ha.nowSeconds();
        if (ms.masterNode != null && ms.timestamp != null) {
            String status = timestampStatus(now, ms.timestamp);
            if (quorate && !status.equals("active") && sc.isEmpty()) {
                status = "idle";
            }
            Map<String, Object> master = new LinkedHashMap<>();
            master.put("id", "master");
            master.put("type", "master");
            master.put("node", ms.masterNode);
            master.put(
                    "status", ms.masterNode + " (" + status + ", " + localtime(ms.timestamp) + ")");
            master.put("timestamp", ms.timestamp);
            result.add(master);
        }
        Map<String, Integer> activeCount = new TreeMap<>();
        for (ServiceStatus sd : ms.serviceStatus.values()) {
            if (sd.node == null) {
                continue;
            }
            activeCount.putIfAbsent(sd.node, 0);
            if (sd.state != null && !sd.state.equals("stopped") && !sd.state.equals("freeze")) {
                activeCount.merge(sd.node, 1, Integer::sum);
            }
        }
        for (String node : ms.nodeStatus.keySet()) {
            result.add(lrmEntry(node, now, activeCount.getOrDefault(node, 0)));
        }
        ms.serviceStatus.forEach((sid, sd) -> result.add(serviceEntry(sid, sc.get(sid), sd, pve9)));
        sc.forEach(
                (sid, cd) -> {
                    if (!ms.serviceStatus.containsKey(sid)) {
                        result.add(serviceEntry(sid, cd, null, pve9));
                    }
                });
        return result;
    }

    /** {@code GET /cluster/ha/status/manager_status}. */
    public Map<String, Object> managerStatus(String localNode) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("manager_status", ha.managerStatus.toJson());
        Map<String, Object> quorum = new LinkedHashMap<>();
        quorum.put("node", localNode);
        quorum.put("quorate", ha.quorate(localNode) ? 1 : 0);
        data.put("quorum", quorum);
        if (!ha.managerStatus.nodeStatus.isEmpty()) {
            Map<String, Object> lrm = new TreeMap<>();
            for (String node : ha.managerStatus.nodeStatus.keySet()) {
                LrmStatus status = ha.lrmStatus.get(node);
                lrm.put(node, status == null ? Map.of("mode", "unknown") : status.toJson());
            }
            data.put("lrm_status", lrm);
        }
        return data;
    }

    /**
     * The {@code hastate} of a guest in {@code /cluster/resources}: CRM state, else the requested
     * state.
     */
    String guestHaState(int vmid) {
        String sid = "vm:" + vmid;
        ServiceStatus sd = ha.managerStatus.serviceStatus.get(sid);
        if (sd != null) {
            return sd.state;
        }
        return ha.resources.get(sid).map(s -> s.options().get("state")).orElse(null);
    }

    /** The {@code ha} object of a guest's {@code status/current} ({@code get_service_status}). */
    Map<String, Object> guestHaStatus(int vmid) {
        String sid = "vm:" + vmid;
        if (!managed(sid)) {
            return null;
        }
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("managed", 1);
        status.put("group", ha.resources.get(sid).map(s -> s.options().get("group")).orElse(null));
        ServiceStatus sd = ha.managerStatus.serviceStatus.get(sid);
        status.put("state", sd == null ? null : sd.state);
        return status;
    }

    // ---- helpers -----------------------------------------------------------------------------

    /**
     * The update of a section under the HA domain lock: {@code digest} must match the file, {@code
     * values} are set, the options listed in {@code delete} removed (required ones refused).
     */
    private void update(
            SectionConfig config,
            SectionKind kind,
            String id,
            Map<String, String> params,
            Map<String, String> values) {
        lockHaDomain(kind.failed());
        if (params.get("digest") != null && !params.get("digest").equals(config.digest())) {
            throw PveException.internal(
                    kind.failed()
                            + ": detected modified configuration - file changed by other user? Try again.");
        }
        SectionConfig.Section section =
                config.get(id)
                        .orElseThrow(
                                () ->
                                        PveException.internal(
                                                kind.failed()
                                                        + ": "
                                                        + kind.missing()
                                                        + " '"
                                                        + id
                                                        + "'"));
        Map<String, String> options = new LinkedHashMap<>(section.options());
        options.putAll(values);
        for (String key : splitDelete(params.get("delete"))) {
            if (!kind.options().contains(key)) {
                throw PveException.internal(kind.failed() + ": no such option '" + key + "'");
            }
            if (kind.required().contains(key)) {
                throw PveException.internal(
                        kind.failed() + ": unable to delete required option '" + key + "'");
            }
            options.remove(key);
        }
        config.put(new SectionConfig.Section(section.type(), id, options));
    }

    /**
     * {@code PVE::HA::Config::parse_sid}: {@code 100} becomes {@code vm:100} if that guest exists.
     */
    String parseSid(String sid) {
        if (sid.matches("\\d+")) {
            VmState vm =
                    ha.cluster
                            .vm(Integer.parseInt(sid))
                            .orElseThrow(
                                    () ->
                                            PveException.internal(
                                                    "unable do detect SID from VMID - VM/CT "
                                                            + sid
                                                            + " does not exist"));
            return "vm:" + vm.vmid();
        }
        if (!sid.matches("\\S+:\\S+")) {
            throw PveException.internal("unable to parse service id '" + sid + "'");
        }
        return sid;
    }

    private Map<String, Object> resourceJson(SectionConfig.Section section, String digest) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("sid", section.id());
        entry.put("type", section.type());
        section.options()
                .forEach(
                        (key, value) ->
                                entry.put(
                                        key,
                                        key.equals("max_restart")
                                                        || key.equals("max_relocate")
                                                        || key.equals("failback")
                                                ? (Object) Integer.valueOf(value)
                                                : value));
        entry.put("digest", digest);
        return entry;
    }

    private static Map<String, Object> groupJson(SectionConfig.Section section, String digest) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("group", section.id());
        entry.put("type", "group");
        section.options()
                .forEach(
                        (key, value) ->
                                entry.put(
                                        key,
                                        key.equals("restricted") || key.equals("nofailback")
                                                ? (Object) Integer.valueOf(value)
                                                : value));
        entry.put("digest", digest);
        return entry;
    }

    private Map<String, Object> lrmEntry(String node, long now, int activeServices) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("id", "lrm:" + node);
        entry.put("type", "lrm");
        entry.put("node", node);
        LrmStatus status = ha.lrmStatus.get(node);
        if (status == null) {
            entry.put("status", node + " (unable to read lrm status)");
            return entry;
        }
        String text = timestampStatus(now, status.timestamp());
        String mode = status.mode();
        if (text.equals("active")) {
            if (!mode.equals("active")) {
                text = mode + " mode";
            } else if (status.state().equals("wait_for_agent_lock") && activeServices == 0) {
                text = "idle";
            } else {
                text = status.state();
            }
        } else if (mode.equals("maintenance")) {
            text = mode + " mode";
        }
        entry.put("status", node + " (" + text + ", " + localtime(status.timestamp()) + ")");
        entry.put("timestamp", status.timestamp());
        return entry;
    }

    private static Map<String, Object> serviceEntry(
            String sid, ServiceConfig cd, ServiceStatus sd, boolean pve9) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("id", "service:" + sid);
        entry.put("type", "service");
        entry.put("sid", sid);
        String node = sd != null ? sd.node : cd.node();
        if (node != null) {
            entry.put("node", node);
        }
        if (sd != null) {
            entry.put("crm_state", sd.state);
        }
        String state = verboseState(sd, cd);
        entry.put("state", state);
        entry.put("status", sid + " (" + (node == null ? "---" : node) + ", " + state + ")");
        if (cd != null) {
            entry.put("request_state", cd.state());
            if (cd.group() != null) {
                entry.put("group", cd.group());
            }
            entry.put("max_restart", cd.maxRestart());
            entry.put("max_relocate", cd.maxRelocate());
            if (pve9) {
                // read_and_check_resources_config fills in failback 1
                entry.put("failback", cd.failback() ? 1 : 0);
            }
            if (cd.comment() != null) {
                entry.put("comment", cd.comment());
            }
        }
        return entry;
    }

    /**
     * {@code get_verbose_service_state}: quick feedback for UIs (starting, stopping, queued, ...).
     */
    static String verboseState(ServiceStatus sd, ServiceConfig cd) {
        if (cd == null) {
            return "deleting";
        }
        String requested = cd.state();
        if (requested.equals("ignored")) {
            return "ignored";
        }
        if (cd.node() == null) {
            return "not found";
        }
        if (sd == null || sd.state == null) {
            return "queued";
        }
        String state = sd.state;
        switch (sd.state) {
            case "stopped" -> {
                if (requested.equals("started")) {
                    state = "starting";
                } else if (requested.equals("disabled")) {
                    state = "disabled";
                }
            }
            case "started" -> {
                if (requested.equals("stopped") || requested.equals("disabled")) {
                    state = "stopping";
                }
                if (!sd.running) {
                    state = "starting";
                }
            }
            case "error" -> {
                if (requested.equals("disabled")) {
                    state = "clearing error flag";
                }
            }
            default -> {
                // the CRM state as it is
            }
        }
        return state;
    }

    private String timestampStatus(long now, long timestamp) {
        long diff = now - timestamp;
        if (diff > ha.timings.deadAfter().toSeconds()) {
            return "old timestamp - dead?";
        }
        return diff < -2 ? "detected time drift!" : "active";
    }

    /** Perl's scalar {@code localtime}: {@code Tue Nov 21 10:15:02 2023}. */
    private static String localtime(long epochSeconds) {
        return LOCALTIME.format(Instant.ofEpochSecond(epochSeconds));
    }

    private Map<String, String> resourceOptions(Map<String, String> params) {
        Map<String, String> options = new LinkedHashMap<>();
        for (String key :
                List.of("state", "group", "failback", "max_restart", "max_relocate", "comment")) {
            String value = params.get(key);
            if (value != null) {
                options.put(
                        key,
                        key.startsWith("max_")
                                ? Integer.toString(Integer.parseInt(value.trim()))
                                : value);
            }
        }
        String comment = options.get("comment");
        if (comment != null && comment.length() > 4096) {
            throw PveException.param("comment", "value may only be 4096 characters long");
        }
        return options;
    }

    private static Map<String, String> groupOptions(Map<String, String> params) {
        Map<String, String> options = new LinkedHashMap<>();
        for (String key : List.of("nodes", "restricted", "nofailback", "comment")) {
            String value = params.get(key);
            if (value != null) {
                options.put(
                        key,
                        key.equals("nodes") ? String.join(",", HaGroup.splitList(value)) : value);
            }
        }
        return options;
    }

    /** A parameter only PVE 9's schema has, sent to a PVE 8 node: the schema's 400. */
    private static void requireRelease9(
            PveRelease release, Map<String, String> params, String name) {
        if (!release.hasHaRules() && params.containsKey(name)) {
            throw PveRelease.unknownParameter(name);
        }
    }

    private static void checkGroupType(Map<String, String> params) {
        if (params.containsKey("type") && !params.get("type").equals("group")) {
            throw PveException.internal("types does not match");
        }
    }

    private static void checkResourceType(String type) {
        if (!type.equals("vm") && !type.equals("ct")) {
            throw PveException.internal("unknown section type '" + type + "'");
        }
    }

    /**
     * {@code check_service_state}: a service in {@code error} only accepts {@code state=disabled}.
     */
    private void checkServiceState(String sid, String requestedState) {
        if (!managed(sid)) {
            return;
        }
        ServiceStatus sd = ha.managerStatus.serviceStatus.get(sid);
        if (sd != null && "error".equals(sd.state) && !"disabled".equals(requestedState)) {
            throw PveException.internal(
                    "service '" + sid + "' in error state, must be disabled and fixed first");
        }
    }

    private void requireHaManaged(String sid) {
        if (!managed(sid)) {
            throw PveException.internal("resource '" + sid + "' is not HA managed");
        }
    }

    private void queueCrmCommand(String command) {
        lockHaDomain(null);
        ha.crmCommands.addLast(command);
    }

    /** {@code check_cfs_quorum}: creating needs a quorate cluster. */
    private void checkCfsQuorum() {
        if (!ha.cluster.quorate()) {
            throw PveException.internal("cluster not ready - no quorum?");
        }
    }

    /** {@code lock_ha_domain}: the pmxcfs lock cannot be taken without quorum. */
    private void lockHaDomain(String errorPrefix) {
        if (!ha.cluster.quorate()) {
            String error = "cfs-lock 'domain-ha' error: no quorum!";
            throw PveException.internal(errorPrefix == null ? error : errorPrefix + ": " + error);
        }
    }

    private static List<String> splitDelete(String delete) {
        return delete == null ? List.of() : List.of(HaGroup.splitList(delete));
    }
}
