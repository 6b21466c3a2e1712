import { CanActivate, ExecutionContext, Injectable, UnauthorizedException } from '@nestjs/common';
import { FastifyRequest } from 'fastify';
import { AppConfig } from '../config/app-config';
import { isAdminCredential } from './admin-credential';

/** The admin API is never open: without ADMIN_API_TOKEN configured every call is refused. */
@Injectable()
export class AdminGuard implements CanActivate {
  constructor(private readonly config: AppConfig) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    if (!isAdminCredential(request.headers.authorization, this.config.adminToken)) {
      throw new UnauthorizedException({ message: 'Admin credential required' });
    }
    return true;
  }
}
