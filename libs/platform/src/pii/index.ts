export * from './pii-crypto';
export * from './masking';
export * from './pii-vault';
export * from './forget-customer.resolver';
export * from './sealing';
