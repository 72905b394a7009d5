package io.pveha.reconciler.lb;

/**
 * Reads Secret values by reference. Values stay in memory; they are never logged or written to
 * status.
 */
interface SecretSource {
    /**
     * @return the bytes of {@code key} in Secret {@code namespace/name}
     * @throws PairProblem SecretNotFound when the Secret or the key does not exist
     */
    byte[] read(String namespace, String name, String key) throws PairProblem;
}
