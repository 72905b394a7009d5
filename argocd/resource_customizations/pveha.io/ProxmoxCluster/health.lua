-- Argo CD health check for pveha.io/ProxmoxCluster (pve-ha-operator).
-- Made from the operator's reasons (CommonReason and ProxmoxClusterReason, each with its health) by packaging/src/test/java/io/pveha/packaging/HealthChecks.java;
-- ArgoHealthChecksTest fails when this file is out of date. Plain Lua 5.1 with only the base and table
-- libraries: what Argo CD gives health scripts from argocd-cm (no useOpenLibs needed).
local reasons = {
  ApiError = "Degraded",
  AuthenticationFailed = "Degraded",
  CaBundle = "Healthy",
  ClusterNotReady = "Progressing",
  ClusterUnreachable = "Degraded",
  Connected = "Healthy",
  Connecting = "Progressing",
  DrillFailed = "Degraded",
  DrillPassed = "Healthy",
  HaGroupNotOwned = "Degraded",
  HaGroupSyncFailed = "Degraded",
  HaGroupsInSync = "Healthy",
  HaRuleNotOwned = "Degraded",
  HaRuleSyncFailed = "Degraded",
  HaRulesInSync = "Healthy",
  InsecureSkipVerify = "Degraded",
  InvalidCaBundle = "Degraded",
  InvalidCredentials = "Degraded",
  InvalidSpec = "Degraded",
  KubernetesError = "Degraded",
  MissingPrivileges = "Degraded",
  NoQuorum = "Degraded",
  NodeUnreachable = "Degraded",
  NotChecked = "Progressing",
  NotConfigured = "Progressing",
  NotConnected = "Progressing",
  PermissionDenied = "Degraded",
  PinnedFingerprint = "Healthy",
  PlacementPolicyInvalid = "Degraded",
  PreparingStorage = "Progressing",
  PrivilegesComplete = "Healthy",
  Quorate = "Healthy",
  Ready = "Healthy",
  ReconciliationPaused = "Suspended",
  RecoveryCompleted = "Healthy",
  RecoveryIncomplete = "Degraded",
  Restoring = "Progressing",
  SecretKeyMissing = "Degraded",
  SecretNotFound = "Degraded",
  SystemTrust = "Healthy",
  TaskFailed = "Degraded",
  TlsVerificationFailed = "Degraded",
  Unreachable = "Degraded",
  UnsupportedApi = "Degraded",
  WaitingForGroupMigration = "Progressing",
  WaitingForPrimaryDown = "Degraded",
}
local hs = {}
local meta = obj.metadata or {}
local annotations = meta.annotations or {}
if annotations["pveha.io/paused"] == "true" then
  hs.status = "Suspended"
  hs.message = "Paused by the annotation pveha.io/paused: the operator does not act on this resource"
  return hs
end
local status = obj.status
if status == nil then
  hs.status = "Progressing"
  hs.message = "Waiting for the operator to report a status"
  return hs
end
local generation = meta.generation
if generation ~= nil and status.observedGeneration ~= nil and status.observedGeneration < generation then
  hs.status = "Progressing"
  hs.message = "Waiting for the operator to act on generation " .. generation
  return hs
end
local ready = nil
if status.conditions ~= nil then
  for _, condition in ipairs(status.conditions) do
    if condition.type == "Ready" then
      ready = condition
    end
  end
end
if ready == nil then
  hs.status = "Progressing"
  hs.message = "Waiting for the Ready condition"
  return hs
end
if generation ~= nil and ready.observedGeneration ~= nil and ready.observedGeneration < generation then
  hs.status = "Progressing"
  hs.message = "Waiting for the operator to act on generation " .. generation
  return hs
end
local reason = ready.reason or ""
local message = ready.message
if message == nil or message == "" then
  message = reason
end
local class = reasons[reason]
if class == "Healthy" then
  if ready.status == "True" then
    hs.status = "Healthy"
  else
    hs.status = "Progressing"
  end
elseif class ~= nil then
  hs.status = class
elseif ready.status == "True" then
  hs.status = "Healthy"
else
  hs.status = "Unknown"
  message = "Ready is " .. (ready.status or "unset") .. " with a reason this check does not know (" .. reason .. "): " .. message
end
hs.message = message
return hs
