package io.pveha.demo;

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

/**
 * The fabric8 mock API server in CRUD mode: a stand-in for kube-apiserver (which cannot run on our
 * machines) used by the demo and the tests. It stores and watches any resource, but validates no
 * schema and answers 415 to server-side apply, so the operator uses JSON merge patches everywhere.
 */
public final class EmbeddedKube implements AutoCloseable {
    /** The mock server logs every request through java.util.logging; held strongly so the level sticks. */
    private static final java.util.logging.Logger MOCK_LOG = java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

    static {
        MOCK_LOG.setLevel(java.util.logging.Level.WARNING);
    }

    private final KubernetesMockServer server;

    public EmbeddedKube() {
        this(0);
    }

    public EmbeddedKube(int port) {
        server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new Dispatcher(), false);
        server.init(InetAddress.getLoopbackAddress(), port);
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
     * SelfSubjectRulesReview (JOSDK's leader election checks its Lease permissions with one) for a user
     * allowed everything.
     */
    private static final class Dispatcher extends KubernetesCrudDispatcher {
        private static final String RULES_REVIEW = "{\"apiVersion\":\"authorization.k8s.io/v1\",\"kind\":\"SelfSubjectRulesReview\","
                + "\"metadata\":{},\"spec\":{},\"status\":{\"incomplete\":false,\"nonResourceRules\":[],"
                + "\"resourceRules\":[{\"apiGroups\":[\"*\"],\"resources\":[\"*\"],\"verbs\":[\"*\"]}]}}";

        Dispatcher() {
            super(List.of());
        }

        @Override
        public MockResponse dispatch(RecordedRequest request) {
            if ("POST".equals(request.getMethod()) && request.getPath().startsWith("/apis/authorization.k8s.io/v1/selfsubjectrulesreviews")) {
                return new MockResponse().setResponseCode(201).addHeader("Content-Type", "application/json").setBody(RULES_REVIEW);
            }
            return super.dispatch(request);
        }
    }
}
