import { BadRequestException, ForbiddenException } from '@nestjs/common';
import { CompanyId, QueryMessages } from '../domain/schedule-key';
import { AuthMessages } from './auth.errors';
import { Principal } from './principal';

/**
 * The company a caller may read: an admin names one; office and technician tokens read their own
 * (the query may omit it). Another company is refused without saying whether it has data.
 */
export function resolveCompanyId(principal: Principal, requested?: CompanyId): CompanyId {
  if (principal.role === 'admin') {
    if (requested === undefined) {
      throw new BadRequestException({ message: QueryMessages.companyRequired });
    }
    return requested;
  }
  if (requested !== undefined && requested !== principal.companyId) {
    throw new ForbiddenException({ message: AuthMessages.otherCompany });
  }
  return principal.companyId;
}
