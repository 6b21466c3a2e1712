import { JWTPayload } from 'jose';
import { toCompanyId } from '../domain/schedule-key';
import { AuthenticationError } from './auth.errors';
import { Principal, Role, ROLES } from './principal';

/** The principal a verified token's claims describe; any missing or malformed claim: 401. */
export function principalFromClaims(claims: JWTPayload): Principal {
  const { role, sub: subject, serviceCompanyId, employeeInformationId } = claims;
  if (typeof subject !== 'string' || subject === '') {
    throw invalidClaim('sub');
  }
  if (!ROLES.includes(role as Role)) {
    throw invalidClaim('role');
  }
  if (role === 'admin') {
    return { role, subject };
  }
  const companyId = toCompanyId(serviceCompanyId);
  if (companyId === null) {
    throw invalidClaim('serviceCompanyId');
  }
  if (role === 'office') {
    return { role, subject, companyId };
  }
  // Employee ids are upstream Int32 ids too: the same rules as a company id.
  const employeeId = toCompanyId(employeeInformationId);
  if (employeeId === null) {
    throw invalidClaim('employeeInformationId');
  }
  return { role: 'technician', subject, companyId, employeeId: Number(employeeId) };
}

function invalidClaim(name: string): AuthenticationError {
  return new AuthenticationError(`Invalid token: claim ${name} missing or invalid`, 'invalid');
}
