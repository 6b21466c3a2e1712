import { BadRequestException, Injectable, PipeTransform } from '@nestjs/common';
import { CompanyId, toCompanyId } from '../domain/schedule-key';

export const COMPANY_ID_MESSAGE = 'company id must be a positive integer';

/** A company id in a path, held to the same rule as the serviceCompanyId query parameter. */
@Injectable()
export class CompanyIdPipe implements PipeTransform<unknown, CompanyId> {
  transform(value: unknown): CompanyId {
    const companyId = toCompanyId(value);
    if (companyId === null) {
      throw new BadRequestException({ message: COMPANY_ID_MESSAGE });
    }
    return companyId;
  }
}
