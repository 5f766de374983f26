import { Module } from '@nestjs/common';
import { HealthController } from './health.controller';

/** GET /health/live and /health/ready. Needs the DataSource and RedisService (both global). */
@Module({ controllers: [HealthController] })
export class HealthModule {}
