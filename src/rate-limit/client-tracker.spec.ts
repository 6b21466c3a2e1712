import { Principal } from '../auth/principal';
import { CompanyId } from '../domain/schedule-key';
import { clientTracker } from './client-tracker';

describe(clientTracker.name, () => {
  const office: Principal = { role: 'office', subject: 'user-7', companyId: 26 as CompanyId };

  it('should count a verified caller by its role and subject, wherever it calls from', () => {
    expect(clientTracker(office, '10.0.0.1')).toBe('user:office:user-7');
    expect(clientTracker(office, '10.0.0.2')).toBe('user:office:user-7');
    expect(clientTracker({ role: 'admin', subject: 'user-7' }, '10.0.0.1')).toBe(
      'user:admin:user-7',
    );
  });

  it('should count a caller without a verified credential against its address', () => {
    expect(clientTracker(undefined, '10.0.0.1')).toBe('ip:10.0.0.1');
    expect(clientTracker(undefined, '::ffff:10.0.0.1')).toBe('ip:10.0.0.1');
  });

  it('should count an IPv6 client by its /64, which one host can hop within', () => {
    expect(clientTracker(undefined, '2001:db8:1:2::1')).toBe(
      clientTracker(undefined, '2001:db8:1:2:ffff::9'),
    );
    expect(clientTracker(undefined, '2001:db8:1:2::1')).not.toBe(
      clientTracker(undefined, '2001:db8:1:3::1'),
    );
  });
});
