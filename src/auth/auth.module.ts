import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AdminGuard } from './admin.guard';
import { AuthGuard } from './auth.guard';
import { Authenticator } from './authenticator';
import { JoseTokenVerifier } from './jose-token.verifier';
import { TokenVerifier } from './token-verifier';

/** Authentication for every Nest route (APP_GUARD) and for raw Fastify routes (Authenticator). */
@Module({
  providers: [
    { provide: TokenVerifier, useClass: JoseTokenVerifier },
    Authenticator,
    AdminGuard,
    { provide: APP_GUARD, useClass: AuthGuard },
  ],
  exports: [Authenticator, AdminGuard],
})
export class AuthModule {}
