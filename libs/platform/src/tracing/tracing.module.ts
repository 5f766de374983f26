import { Global, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import { shutdownTracing } from './tracing';

@Injectable()
export class TracingShutdown implements OnApplicationShutdown {
  async onApplicationShutdown(): Promise<void> {
    await shutdownTracing();
  }
}

/** Flushes spans when the app closes (in every process's platform core). */
@Global()
@Module({ providers: [TracingShutdown] })
export class TracingModule {}
