package io.pveha.simulator.api.routes;

import io.pveha.simulator.api.Access;
import io.pveha.simulator.api.ApiRequest;
import io.pveha.simulator.api.ApiResult;
import io.pveha.simulator.api.AuthInfo;
import io.pveha.simulator.api.ParamSpec;
import io.pveha.simulator.api.Route;
import io.pveha.simulator.api.Router;
import io.pveha.simulator.model.PveException;
import io.pveha.simulator.tasks.Task;
import io.pveha.simulator.tasks.Upid;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code /nodes/{node}/tasks}: task list, status, log and stop (pve-manager's {@code
 * API2/Tasks.pm}).
 */
public final class TaskRoutes {
    private final RouteContext ctx;

    private TaskRoutes(RouteContext ctx) {
        this.ctx = ctx;
    }

    public static void register(Router router, RouteContext ctx) {
        TaskRoutes routes = new TaskRoutes(ctx);
        router.register(
                Route.get("/nodes/{node}/tasks")
                        .proxied()
                        .params(
                                ParamSpec.create()
                                        .node()
                                        .integer("start", true, 0L, null)
                                        .integer("limit", true, 0L, null)
                                        .string("userfilter", true)
                                        .string("typefilter", true)
                                        .optionalVmid("vmid")
                                        .bool("errors")
                                        .enumeration("source", true, "archive", "active", "all")
                                        .integer("since", true, null, null)
                                        .integer("until", true, null, null)
                                        .string("statusfilter", true))
                        .handler(routes::list));
        ParamSpec upidSpec = ParamSpec.create().node().string("upid", false);
        router.register(
                Route.get("/nodes/{node}/tasks/{upid}")
                        .proxied()
                        .params(upidSpec)
                        .handler(
                                r ->
                                        ApiResult.of(
                                                List.of(
                                                        Map.of("name", "log"),
                                                        Map.of("name", "status")))));
        router.register(
                Route.get("/nodes/{node}/tasks/{upid}/status")
                        .proxied()
                        .params(upidSpec)
                        .handler(routes::status));
        router.register(
                Route.get("/nodes/{node}/tasks/{upid}/log")
                        .proxied()
                        .params(
                                ParamSpec.create()
                                        .node()
                                        .string("upid", false)
                                        .integer("start", true, 0L, null)
                                        .integer("limit", true, 0L, null))
                        .handler(routes::log));
        router.register(
                Route.delete("/nodes/{node}/tasks/{upid}")
                        .proxied()
                        .params(upidSpec)
                        .handler(routes::stop));
    }

    private ApiResult list(ApiRequest request) {
        String node = request.executedOn();
        int start = request.has("start") ? request.intParam("start") : 0;
        int limit = request.has("limit") ? request.intParam("limit") : 50;
        String source = request.has("source") ? request.param("source") : "archive";
        Set<String> statuses = statusFilter(request);
        boolean auditor = Access.has(request.auth(), "Sys.Audit");
        List<Map<String, Object>> result = new ArrayList<>();
        int count = 0;
        for (Task task : ctx.tasks().tasksOf(node)) {
            if (task.running() ? source.equals("archive") : source.equals("active")) {
                continue;
            }
            if (!matches(request, task, auditor, statuses)) {
                continue;
            }
            if (count++ < start || limit <= 0) {
                continue;
            }
            result.add(Views.taskListEntry(task));
            limit--;
        }
        return ApiResult.withTotal(result, count);
    }

    private static boolean matches(
            ApiRequest request, Task task, boolean auditor, Set<String> statuses) {
        Upid upid = task.upid();
        String userfilter = request.param("userfilter");
        if (userfilter != null
                && !upid.user()
                        .toLowerCase(Locale.ROOT)
                        .contains(userfilter.toLowerCase(Locale.ROOT))) {
            return false;
        }
        if (!auditor && !ownedBy(task, request.auth())) {
            return false;
        }
        if (request.has("typefilter") && !upid.type().equals(request.param("typefilter"))) {
            return false;
        }
        if (request.has("vmid") && !upid.id().equals(request.param("vmid"))) {
            return false;
        }
        if (request.has("since") && upid.starttime() < Long.parseLong(request.param("since"))) {
            return false;
        }
        if (request.has("until") && upid.starttime() > Long.parseLong(request.param("until"))) {
            return false;
        }
        return statuses.contains(statusType(task));
    }

    /** {@code upid_normalize_status_type}. */
    private static String statusType(Task task) {
        String status = task.exitStatus();
        if (status == null || status.isEmpty() || status.equals("unexpected status")) {
            return "unknown";
        }
        if (status.equals("OK")) {
            return "ok";
        }
        return status.startsWith("WARNINGS:") ? "warning" : "error";
    }

    private static Set<String> statusFilter(ApiRequest request) {
        Set<String> all = Set.of("ok", "warning", "error", "unknown");
        if (request.flag("errors")) {
            Set<String> notOk = new HashSet<>(all);
            notOk.remove("ok");
            return notOk;
        }
        String filter = request.param("statusfilter");
        if (filter == null) {
            return all;
        }
        Set<String> chosen = new HashSet<>();
        for (String part : filter.split("[,;\\s]+")) {
            chosen.add(part.toLowerCase(Locale.ROOT));
        }
        return chosen;
    }

    private ApiResult status(ApiRequest request) {
        Task task = find(request);
        requireOwnerOr(request, task, "Sys.Audit");
        return ApiResult.of(Views.taskStatus(task));
    }

    /**
     * {@code dump_logfile}: lines from {@code start}, {@code limit} of them (0 = all), {@code
     * total} = count.
     */
    private ApiResult log(ApiRequest request) {
        parse(request.param("upid"));
        Task task =
                ctx.tasks()
                        .find(request.param("upid"))
                        .filter(t -> t.upid().node().equals(request.executedOn()))
                        .orElse(null);
        if (task != null) {
            requireOwnerOr(request, task, "Sys.Audit");
        }
        List<String> lines =
                task == null
                        ? List.of("unable to open file - No such file or directory")
                        : task.log();
        int start = request.has("start") ? request.intParam("start") : 0;
        int limit = request.has("limit") ? request.intParam("limit") : 50;
        List<Map<String, Object>> result = new ArrayList<>();
        for (int i = start; i < lines.size() && (limit == 0 || result.size() < limit); i++) {
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("n", i + 1);
            line.put("t", lines.get(i));
            result.add(line);
        }
        int count = lines.size();
        if (count == 0) {
            result.add(Map.of("n", 1, "t", "no content"));
            count = 1;
        }
        return ApiResult.withTotal(result, count);
    }

    private ApiResult stop(ApiRequest request) {
        Task task = find(request);
        requireOwnerOr(request, task, "Sys.Modify");
        ctx.tasks().stop(task);
        return ApiResult.empty();
    }

    /** The task must exist on the node that executes the request, as its log file would. */
    private Task find(ApiRequest request) {
        parse(request.param("upid"));
        return ctx.tasks()
                .find(request.param("upid"))
                .filter(t -> t.upid().node().equals(request.executedOn()))
                .orElseThrow(() -> PveException.param("upid", "no such task"));
    }

    private static Upid parse(String text) {
        return Upid.parse(text)
                .orElseThrow(() -> PveException.param("upid", "unable to parse worker upid"));
    }

    private static void requireOwnerOr(ApiRequest request, Task task, String privilege) {
        if (!ownedBy(task, request.auth())) {
            Access.require(request.auth(), "/nodes/" + request.executedOn(), privilege);
        }
    }

    /** A token sees its own tasks; a user sees its tasks and its tokens' tasks. */
    private static boolean ownedBy(Task task, AuthInfo auth) {
        String owner = task.upid().user();
        return owner.equals(auth.authId()) || owner.startsWith(auth.authId() + "!");
    }
}
