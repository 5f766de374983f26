export * from './domain';
export * from './application/help-centre.service';
export * from './application/starter-content';
export * from './application/starter-topics';
export * from './application/seed';
export * from './help-centre.module';
export * from './api/help-centre.graphql';
