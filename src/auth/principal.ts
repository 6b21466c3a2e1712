import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { FastifyRequest } from 'fastify';
import { CompanyId } from '../domain/schedule-key';

export type Role = 'admin' | 'office' | 'technician';

export const ROLES: readonly Role[] = ['admin', 'office', 'technician'];

/** The authenticated caller, from a verified token (or the static admin credential). */
export type Principal =
  | { readonly role: 'admin'; readonly subject: string }
  | { readonly role: 'office'; readonly subject: string; readonly companyId: CompanyId }
  | {
      readonly role: 'technician';
      readonly subject: string;
      readonly companyId: CompanyId;
      readonly employeeId: number;
    };

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by AuthGuard before any guarded Nest handler runs. */
    principal?: Principal;
    /** The verification of the request's credential, shared by the rate-limit hook and guards. */
    authentication?: Promise<Principal> | null;
  }
}

/** The caller of a guarded route; a @Public() route has none, so using it there is a bug. */
export const CurrentPrincipal = createParamDecorator(
  (_: unknown, context: ExecutionContext): Principal => {
    const principal = context.switchToHttp().getRequest<FastifyRequest>().principal;
    if (!principal) {
      throw new Error('No principal on the request: is the route @Public()?');
    }
    return principal;
  },
);
