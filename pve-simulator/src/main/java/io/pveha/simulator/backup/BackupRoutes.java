package io.pveha.simulator.backup;

import io.pveha.simulator.api.Access;
import io.pveha.simulator.api.ApiRequest;
import io.pveha.simulator.api.ApiResult;
import io.pveha.simulator.api.ParamSpec;
import io.pveha.simulator.api.Route;
import io.pveha.simulator.api.Router;
import io.pveha.simulator.tasks.Task;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code /cluster/backup} (vzdump jobs, {@code Sys.Audit} to read and {@code Sys.Modify} to change,
 * on {@code /}) and {@code POST /nodes/{node}/vzdump} ({@code VM.Backup}), with the parameter
 * schema of {@code PVE::VZDump::Common}. Registered by {@link BackupModule#install}, as the Ceph
 * module registers its own.
 */
final class BackupRoutes {
    private static final String JOBS = "/cluster/backup";

    private BackupRoutes() {}

    static void register(Router router, BackupModule backups) {
        Access audit = Access.perm("/", "Sys.Audit");
        Access modify = Access.perm("/", "Sys.Modify");
        router.register(
                Route.get(JOBS).access(audit).handler(r -> ApiResult.of(backups.listJobs())));
        router.register(
                Route.get(JOBS + "/{id}")
                        .access(audit)
                        .params(ParamSpec.create().string("id", false))
                        .handler(r -> ApiResult.of(backups.job(r.param("id")))));
        router.register(
                Route.post(JOBS)
                        .access(modify)
                        .params(jobOptions(ParamSpec.create().string("id", true)))
                        .handler(
                                r -> {
                                    backups.createJob(r.params());
                                    return ApiResult.empty();
                                }));
        router.register(
                Route.put(JOBS + "/{id}")
                        .access(modify)
                        .params(
                                jobOptions(ParamSpec.create().string("id", false))
                                        .string("delete", true)
                                        .string("digest", true))
                        .handler(
                                r -> {
                                    backups.updateJob(r.param("id"), r.params());
                                    return ApiResult.empty();
                                }));
        router.register(
                Route.delete(JOBS + "/{id}")
                        .access(modify)
                        .params(ParamSpec.create().string("id", false))
                        .handler(
                                r -> {
                                    backups.deleteJob(r.param("id"));
                                    return ApiResult.empty();
                                }));
        router.register(
                Route.post("/nodes/{node}/vzdump")
                        .proxied()
                        .access(Access.perm("/", "VM.Backup"))
                        .params(vzdumpOptions(ParamSpec.create().node()))
                        .handler(r -> vzdump(backups, r)));
    }

    private static ApiResult vzdump(BackupModule backups, ApiRequest request) {
        Map<String, String> params = new LinkedHashMap<>(request.params());
        params.remove("node");
        return backups.vzdumpNow(request.executedOn(), request.caller().user(), params)
                .map(Task::upidText)
                .<ApiResult>map(ApiResult::of)
                .orElse(ApiResult.of("OK"));
    }

    private static ParamSpec jobOptions(ParamSpec spec) {
        return vzdumpOptions(spec)
                .string("schedule", true)
                .bool("enabled")
                .string("comment", true)
                .bool("repeat-missed")
                .nodeName("node", true);
    }

    /** The options a job and a one-off vzdump share. */
    private static ParamSpec vzdumpOptions(ParamSpec spec) {
        return spec.string("vmid", true)
                .bool("all")
                .string("pool", true)
                .string("exclude", true)
                .storageId("storage", true)
                .enumeration("mode", true, "snapshot", "suspend", "stop")
                .enumeration("compress", true, "0", "1", "gzip", "lzo", "zstd")
                .integer("zstd", true, 0L, null)
                .string("prune-backups", true)
                .string("notes-template", true)
                .bool("protected")
                .bool("remove")
                .bool("stdexcludes")
                .string("mailto", true)
                .enumeration("mailnotification", true, "always", "failure")
                .integer("bwlimit", true, 0L, null)
                .integer("ionice", true, 0L, 8L)
                .integer("lockwait", true, 0L, null)
                .integer("stopwait", true, 0L, null);
    }
}
