// @kefu/kernel: the shared domain kernel. Pure TypeScript (no framework, no I/O, no other lib of
// ours): deciders, actors and roles, the one RuleError, one Violations, the shared value types.
export * from './actor';
export * from './decider';
export * from './rule-error';
export * from './validation';
export * from './values';
