package io.pveha.demo.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The chaos verdict from a simulator's inventory: each count is made to go wrong once. */
class JudgeTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, Judge.Intent> intents = new HashMap<>();
    private final Map<String, Judge.Seen> havms = new HashMap<>();

    private void havm(String uid, Integer vmid) {
        intents.put(uid, new Judge.Intent(uid, "vm-" + uid, 0));
        havms.put(uid, new Judge.Seen(uid, "vm-" + uid, vmid, true));
    }

    private static Map<Integer, JsonNode> inventory(String vms, String destroyed) throws Exception {
        return Map.of(
                0,
                JSON.readTree(
                        "{\"vms\":[" + vms + "],\"destroyed\":[" + destroyed + "],\"tasks\":{}}"));
    }

    private static String vm(int vmid, String owner) {
        return "{\"vmid\":"
                + vmid
                + ",\"node\":\"pve1\",\"owner\":"
                + (owner == null ? "null" : "\"" + owner + "\"")
                + ",\"memory\":\"512\"}";
    }

    @Test
    void everyHaVmWithItsOwnVmIsClean() throws Exception {
        havm("a", 100);
        havm("b", 101);
        Judge.Verdict v =
                Judge.judge(
                        intents,
                        havms,
                        inventory(vm(100, "a") + "," + vm(101, "b") + "," + vm(9000, null), ""));
        assertThat(v.ok()).as(v.details().toString()).isTrue();
        assertThat(v.found()).isEqualTo(2);
        assertThat(v.expected()).isEqualTo(2);
    }

    @Test
    void aSecondVmForOneHaVmIsADuplicateEvenOnceDestroyed() throws Exception {
        havm("a", 100);
        Judge.Verdict alive =
                Judge.judge(intents, havms, inventory(vm(100, "a") + "," + vm(102, "a"), ""));
        assertThat(alive.duplicates()).isEqualTo(1);
        Judge.Verdict cleaned = Judge.judge(intents, havms, inventory(vm(100, "a"), vm(102, "a")));
        assertThat(cleaned.duplicates()).isEqualTo(1);
        assertThat(cleaned.wrongfulDeletes()).as("the duplicate's cleanup").isZero();
        assertThat(cleaned.ok()).isFalse();
    }

    @Test
    void aMarkedVmWithoutItsHaVmIsAnOrphan() throws Exception {
        havm("a", 100);
        Judge.Intent gone = new Judge.Intent("z", "vm-z", 0);
        gone.deleteAsked = true;
        intents.put("z", gone);
        Judge.Verdict v =
                Judge.judge(intents, havms, inventory(vm(100, "a") + "," + vm(103, "z"), ""));
        assertThat(v.orphans()).isEqualTo(1);
        assertThat(v.found()).isEqualTo(1);
        assertThat(v.ok()).isFalse();
    }

    @Test
    void destroyingAForeignVmOrOneStillWantedIsWrongful() throws Exception {
        havm("a", 100);
        havm("b", 101);
        Judge.Verdict v =
                Judge.judge(
                        intents,
                        havms,
                        inventory(vm(100, "a"), vm(90000, null) + "," + vm(101, "b")));
        assertThat(v.wrongfulDeletes()).isEqualTo(2);
        assertThat(v.found()).as("b's VM is gone").isEqualTo(1);
        assertThat(v.ok()).isFalse();
    }

    @Test
    void destroyingTheVmOfADeletedHaVmIsWhatWasAsked() throws Exception {
        havm("a", 100);
        Judge.Intent gone = new Judge.Intent("z", "vm-z", 0);
        gone.deleteAsked = true;
        intents.put("z", gone);
        Judge.Verdict v = Judge.judge(intents, havms, inventory(vm(100, "a"), vm(103, "z")));
        assertThat(v.ok()).as(v.details().toString()).isTrue();
        assertThat(v.expected()).isEqualTo(1);
    }

    @Test
    void aStatusPointingAtSomeoneElsesVmIsNotFound() throws Exception {
        havm("a", 101);
        havm("b", 100);
        Judge.Verdict v =
                Judge.judge(intents, havms, inventory(vm(100, "a") + "," + vm(101, "b"), ""));
        assertThat(v.found()).isZero();
        assertThat(v.ok()).isFalse();
    }
}
