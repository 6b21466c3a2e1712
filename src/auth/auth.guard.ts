import { CanActivate, ExecutionContext, HttpException, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { FastifyReply, FastifyRequest } from 'fastify';
import { authFailure } from './auth.errors';
import { Authenticator } from './authenticator';
import { IS_PUBLIC } from './public.decorator';

/** Global: every Nest route needs a principal unless marked @Public(). */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly authenticator: Authenticator,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) {
      return true;
    }
    const http = context.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    try {
      request.principal = await this.authenticator.authenticateRequest(request, 'bearer');
      return true;
    } catch (error) {
      const failure = authFailure(error);
      if (failure.challenge) {
        void http.getResponse<FastifyReply>().header('www-authenticate', failure.challenge);
      }
      throw new HttpException({ message: failure.message }, failure.status);
    }
  }
}
