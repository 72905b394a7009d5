package io.pveha.simulator.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pveha.simulator.model.PveException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ParamSpecTest {
    private final ParamSpec spec = ParamSpec.create().node().vmid().bool("full").vmConfigKeys();

    @Test
    void acceptsValidParametersAndConfigKeys() {
        assertThat(
                        spec.validate(
                                Map.of(
                                        "node",
                                        "pve1",
                                        "vmid",
                                        "100",
                                        "full",
                                        "1",
                                        "cores",
                                        "2",
                                        "scsi0",
                                        "local-lvm:8",
                                        "net31",
                                        "virtio")))
                .containsEntry("cores", "2");
    }

    @Test
    void reportsEveryProblemWithPvesMessages() {
        assertThatThrownBy(
                        () ->
                                spec.validate(
                                        Map.of(
                                                "vmid", "12", "full", "true", "colour", "x",
                                                "cores", "two", "ostype", "dos", "net32",
                                                "virtio")))
                .isInstanceOfSatisfying(
                        PveException.class,
                        e -> {
                            assertThat(e.status()).isEqualTo(400);
                            assertThat(e.reasonPhrase())
                                    .isEqualTo("Parameter verification failed.");
                            assertThat(e.errors())
                                    .containsEntry(
                                            "node", "property is missing and it is not optional")
                                    .containsEntry("vmid", "value must have a minimum value of 100")
                                    .containsEntry(
                                            "full", "type check ('boolean') failed - got 'true'")
                                    .containsEntry(
                                            "colour",
                                            "property is not defined in schema and the schema does not "
                                                    + "allow additional properties")
                                    .containsEntry(
                                            "cores", "type check ('integer') failed - got 'two'")
                                    .containsEntry(
                                            "ostype",
                                            "value 'dos' does not have a value in the enumeration 'other, "
                                                    + "wxp, w2k, w2k3, w2k8, wvista, win7, win8, win10, win11, l24, l26, solaris'")
                                    .containsEntry(
                                            "net32",
                                            "property is not defined in schema and the schema does not "
                                                    + "allow additional properties");
                        });
    }

    @Test
    void nonScalarJsonValuesFailTheTypeCheck() {
        assertThatThrownBy(
                        () ->
                                spec.validate(
                                        Map.of(
                                                "node",
                                                "pve1",
                                                "vmid",
                                                "100",
                                                "name",
                                                ParamSpec.NON_SCALAR + "ARRAY")))
                .isInstanceOfSatisfying(
                        PveException.class,
                        e ->
                                assertThat(e.errors())
                                        .containsEntry(
                                                "name",
                                                "type check ('string') failed - got ARRAY"));
    }
}
