import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ApiKeyCache } from './api-key-cache';
import { ApiKeyService } from './api-key.service';
import { AuthFailureLimiter } from './auth-failure-limiter';
import { AuthGuard } from './auth.guard';
import { AuthService } from './auth.service';
import { JwtService } from './jwt.service';

/** Authentication for every app that serves requests: the global AuthGuard and its services. */
@Global()
@Module({
  providers: [
    JwtService,
    ApiKeyCache,
    ApiKeyService,
    AuthService,
    AuthFailureLimiter,
    { provide: APP_GUARD, useClass: AuthGuard },
  ],
  exports: [JwtService, ApiKeyService, AuthService, AuthFailureLimiter],
})
export class AuthModule {}
