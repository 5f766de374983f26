// @kefu/help-centre/domain: the pure side of help-centre, plain TypeScript (no Nest, no I/O). Domain code
// imports this entry point, never the lib's Nest barrel @kefu/help-centre (ADR 0015).
export * from './cjk-search';
