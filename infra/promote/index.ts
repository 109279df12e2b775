export { checkImmutable, DEFAULT_IMMUTABLE_TAG, immutablePattern, splitImageRef, type ImageRefParts, type Mutability } from "./images";
export {
  formatPromoteReport,
  orderProblem,
  promote,
  type GateResult,
  type GateViolation,
  type ImageChange,
  type PlanGate,
  type PromoteDeps,
  type PromoteOutcome,
  type PromoteReport,
  type PromoteRequest,
} from "./promote";
export { formatStatus, promotionStatus, type StatusReport, type StatusRow, type StatusStack } from "./status";
