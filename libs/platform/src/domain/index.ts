// @kefu/platform/domain: the pure side of platform, plain TypeScript (no Nest, no I/O). Domain code
// imports this entry point, never the lib's Nest barrel @kefu/platform (ADR 0015).
export * from './public-event-types';
export * from './json-schema';
