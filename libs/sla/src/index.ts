export * from './domain';
export * from './application/sla-config.queries';
export * from './application/sla-config.service';
export * from './projections/sla-config.projection';
export * from './jobs/sla-timers.job';
export * from './sla.module';
export * from './sla-worker.module';
export * from './api/sla-api.module';
