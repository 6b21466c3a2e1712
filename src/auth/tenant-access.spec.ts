import { BadRequestException, ForbiddenException } from '@nestjs/common';
import { CompanyId } from '../domain/schedule-key';
import { Principal } from './principal';
import { resolveCompanyId } from './tenant-access';

const own = 26 as CompanyId;
const other = 27 as CompanyId;
const admin: Principal = { role: 'admin', subject: 'a' };
const office: Principal = { role: 'office', subject: 'o', companyId: own };
const technician: Principal = { role: 'technician', subject: 't', companyId: own, employeeId: 5 };

describe(resolveCompanyId.name, () => {
  it('should give an admin the company asked for', () => {
    expect(resolveCompanyId(admin, other)).toBe(other);
  });

  it('should require an admin to name the company', () => {
    expect(() => resolveCompanyId(admin)).toThrow(
      new BadRequestException({ message: 'serviceCompanyId is required' }),
    );
  });

  it.each([office, technician])('should default a $role to its own company', (principal) => {
    expect(resolveCompanyId(principal)).toBe(own);
    expect(resolveCompanyId(principal, own)).toBe(own);
  });

  it.each([office, technician])(
    'should refuse a $role another company, without saying anything about it',
    (principal) => {
      const error = captureError(() => resolveCompanyId(principal, other));
      expect(error).toBeInstanceOf(ForbiddenException);
      expect((error as ForbiddenException).getResponse()).toEqual({
        message: 'Access to this company is not allowed',
      });
    },
  );
});

function captureError(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}
