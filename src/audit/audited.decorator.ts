import { applyDecorators, SetMetadata, UseInterceptors } from '@nestjs/common';
import { AUDITED, AuditInterceptor, AuditSpec } from './audit.interceptor';

/** Marks an admin route whose every call is written to the audit log, accepted or refused. */
export const Audited = (spec: AuditSpec): MethodDecorator =>
  applyDecorators(SetMetadata(AUDITED, spec), UseInterceptors(AuditInterceptor));
