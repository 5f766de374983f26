// @kefu/tickets/domain: the pure side of tickets, plain TypeScript (no Nest, no I/O). Domain code
// imports this entry point, never the lib's Nest barrel @kefu/tickets (ADR 0015).
export * from './ticket.types';
export * from './ticket.events';
export * from './ticket.commands';
export * from './ticket.decider';
export * from './ticket.state';
export * from './ticket.permissions';
export * from './ticket.sla.types';
export * from './ticket.validation';
