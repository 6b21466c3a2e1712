import {
  CanActivate,
  ExecutionContext,
  ForbiddenException,
  Injectable,
  UnauthorizedException,
} from '@nestjs/common';
import { FastifyRequest } from 'fastify';
import { AuthMessages } from './auth.errors';

/**
 * Admin only, after the global AuthGuard: an admin JWT or the static ADMIN_API_TOKEN passes,
 * any other authenticated caller gets 403.
 */
@Injectable()
export class AdminGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const principal = context.switchToHttp().getRequest<FastifyRequest>().principal;
    if (!principal) {
      throw new UnauthorizedException({ message: AuthMessages.missing });
    }
    if (principal.role !== 'admin') {
      throw new ForbiddenException({ message: AuthMessages.adminRequired });
    }
    return true;
  }
}
