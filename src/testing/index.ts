/**
 * kubesim/testing: property-based testing of controllers with fast-check (a peer dependency).
 * Arbitraries build clusters and manifests, commands generate operation sequences with faults,
 * invariants say what must hold, and checkController runs it all and shrinks failures to a
 * short, replayable case.
 */
export {
  defaultImages,
  IMAGES,
  APP_NAMES,
  taint,
  node,
  nodeSet,
  resources,
  podTemplate,
  pod,
  deployment,
  deploymentStrategy,
  service,
  podDisruptionBudget,
  manifest,
} from './arbitraries.js';
export type { NodeArbOptions, PodTemplateOptions, DeploymentArbOptions } from './arbitraries.js';
export {
  operations,
  commandSequence,
  applyDeploymentCommand,
  scaleCommand,
  setImageCommand,
  undoCommand,
  deleteDeploymentCommand,
  labelDeploymentCommand,
  labelPodCommand,
  deletePodCommand,
  applyServiceCommand,
  deleteServiceCommand,
  advanceCommand,
  settleCommand,
  nodeFaultCommands,
  zoneFaultCommands,
  masterFaultCommands,
  initialModel,
  recoverAll,
  faultsOf,
  hasFaults,
} from './commands.js';
export type { SimModel, SimReal, SimCommand, StepOptions, FaultsApi, OperationOptions } from './commands.js';
export {
  defineInvariant,
  noNodeOvercommitted,
  noDuplicateIPs,
  rolloutBoundsHeld,
  deploymentsConverged,
  endpointsExact,
  noOrphanedPods,
  pendingPodsHaveFailedScheduling,
  builtinInvariants,
} from './invariants.js';
export type { Invariant, InvariantCheck, InvariantContext, InvariantResult, InvariantScope } from './invariants.js';
export { podRequests, placementViolations, overcommitted, podsByNode } from './objects.js';
export { checkController, replay, ControllerCheckFailure, InvariantViolation } from './check-controller.js';
export type { CheckControllerOptions, CheckResult, ReplayResult, RunRecord, OperationRecord } from './check-controller.js';
export { recordTimeline, formatTimeline } from './timeline.js';
export type { TimelineEntry } from './timeline.js';
