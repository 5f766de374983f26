// @kefu/agents/domain: the pure side of agents, plain TypeScript (no Nest, no I/O). Domain code
// imports this entry point, never the lib's Nest barrel @kefu/agents (ADR 0015).
export * from './agent.commands';
export * from './agent.events';
export * from './agent.decider';
