package io.pveha.testing.kube;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The fabric8 mock API server in CRUD mode: a stand-in for kube-apiserver (which cannot run on our
 * machines) used by the demo and the tests. It stores and watches any resource, but validates no
 * schema and answers 415 to server-side apply, so the operator uses JSON merge patches everywhere.
 * With {@link KubeDiscovery} it also answers kubectl's discovery and table requests for the CRDs on
 * the class path.
 */
public final class EmbeddedKube implements AutoCloseable {
    /**
     * The mock server logs every request through java.util.logging; held strongly so the level
     * sticks.
     */
    private static final java.util.logging.Logger MOCK_LOG =
            java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

    static {
        MOCK_LOG.setLevel(java.util.logging.Level.WARNING);
    }

    private final KubernetesMockServer server;
    private final Dispatcher dispatcher;

    /** On any free loopback port, serving discovery for every CRD on the class path. */
    public EmbeddedKube() {
        this(0);
    }

    public EmbeddedKube(int port) {
        this(port, new KubeDiscovery());
    }

    /**
     * On {@code port} (0: any free one), serving discovery for the CRDs of {@code discovery}, in
     * its order.
     */
    public EmbeddedKube(int port, KubeDiscovery discovery) {
        dispatcher = new Dispatcher(discovery);
        server =
                new KubernetesMockServer(
                        new Context(), new MockWebServer(), new HashMap<>(), dispatcher, false);
        server.init(InetAddress.getLoopbackAddress(), port);
        dispatcher.serverAddress = "127.0.0.1:" + server.getPort();
    }

    /** A kubeconfig for kubectl (and any client) pointing at this server, with a dummy token. */
    public String kubeconfig(String namespace) {
        return kubeconfig(namespace, "demo");
    }

    /**
     * A kubeconfig with this bearer token: the server records it as the user of every request made
     * with it ({@link #requests()}), as a static token file would map tokens to users.
     */
    public String kubeconfig(String namespace, String token) {
        return "apiVersion: v1\nkind: Config\nclusters:\n- name: pveha-demo\n  cluster:\n    server: "
                + url()
                + "\n"
                + "contexts:\n- name: pveha-demo\n  context:\n    cluster: pveha-demo\n    user: demo\n    namespace: "
                + namespace
                + "\n"
                + "current-context: pveha-demo\nusers:\n- name: demo\n  user:\n    token: "
                + token
                + "\n";
    }

    /**
     * Every distinct request this server answered so far (as RBAC sees it: user, verb, group,
     * resource, subresource, namespace), with how often it came. Nothing is refused: what is
     * recorded is what a client needed, for a test to compare with the permissions it would get.
     */
    public Map<ApiRequest, Long> requests() {
        Map<ApiRequest, Long> out =
                new TreeMap<>(
                        java.util.Comparator.comparing(ApiRequest::toString)
                                .thenComparing(ApiRequest::user));
        dispatcher.requests.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }

    public KubernetesClient newClient() {
        return server.createClient();
    }

    public KubernetesMockServer server() {
        return server;
    }

    public String url() {
        return "http://" + server.getHostName() + ":" + server.getPort();
    }

    @Override
    public void close() {
        server.destroy();
    }

    /**
     * The CRUD dispatcher plus what a real API server answers that the mock does not: a
     * SelfSubjectRulesReview (JOSDK's leader election checks its Lease permissions with one) for a
     * user allowed everything, API discovery and server-side printing for kubectl.
     */
    private static final class Dispatcher extends KubernetesCrudDispatcher {
        private final KubeDiscovery discovery;
        private volatile String serverAddress = "127.0.0.1:0";
        private final Map<ApiRequest, LongAdder> requests = new ConcurrentHashMap<>();
        private static final String RULES_REVIEW =
                "{\"apiVersion\":\"authorization.k8s.io/v1\",\"kind\":\"SelfSubjectRulesReview\","
                        + "\"metadata\":{},\"spec\":{},\"status\":{\"incomplete\":false,\"nonResourceRules\":[],"
                        + "\"resourceRules\":[{\"apiGroups\":[\"*\"],\"resources\":[\"*\"],\"verbs\":[\"*\"]}]}}";

        Dispatcher(KubeDiscovery discovery) {
            super(List.of());
            this.discovery = discovery;
        }

        @Override
        public MockResponse dispatch(RecordedRequest request) {
            String path = request.getPath();
            requests.computeIfAbsent(
                            ApiRequest.of(
                                    request.getMethod(), path, request.getHeader("Authorization")),
                            k -> new LongAdder())
                    .increment();
            String bare = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
            if ("POST".equals(request.getMethod())
                    && bare.equals("/apis/authorization.k8s.io/v1/selfsubjectrulesreviews")) {
                return json(201, RULES_REVIEW);
            }
            if ("GET".equals(request.getMethod())) {
                var document = discovery.discovery(bare, serverAddress);
                if (document.isPresent()) {
                    return json(200, document.get());
                }
                if (bare.startsWith("/openapi/")) {
                    return json(
                            404,
                            "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"reason\":\"NotFound\",\"code\":404}");
                }
                String accept = request.getHeader("Accept");
                var crd = discovery.crdFor(bare);
                if (accept != null
                        && accept.contains("as=Table")
                        && crd.isPresent()
                        && !path.contains("watch=true")) {
                    MockResponse plain = super.dispatch(request);
                    if (plain.code() != 200) {
                        return plain;
                    }
                    return json(
                            200,
                            discovery.table(
                                    crd.get(),
                                    plain.getBody().readUtf8(),
                                    java.time.Instant.now()));
                }
            }
            try {
                return super.dispatch(request);
            } catch (io.fabric8.zjsonpatch.JsonPatchException e) {
                // A JSON Patch whose resourceVersion test fails: the mock throws (and the client
                // waits for its
                // timeout); a real API server answers 409 Conflict at once, which the status writer
                // expects.
                return json(
                        409,
                        "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\","
                                + "\"reason\":\"Conflict\",\"code\":409,\"message\":\"the object has been modified\"}");
            }
        }

        private static MockResponse json(int code, String body) {
            return new MockResponse()
                    .setResponseCode(code)
                    .addHeader("Content-Type", "application/json")
                    .setBody(body);
        }
    }
}
