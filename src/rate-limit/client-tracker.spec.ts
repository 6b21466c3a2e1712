import { clientTracker } from './client-tracker';

describe(clientTracker.name, () => {
  const request = (ip: string, authorization?: string) => ({ headers: { authorization }, ip });

  it('should count a request with a credential against a digest of that credential', () => {
    const tracker = clientTracker(request('10.0.0.1', 'Bearer secret-token-123'));

    expect(tracker).toMatch(/^auth:[0-9a-f]{64}$/);
    expect(tracker).not.toContain('secret-token-123');
    expect(clientTracker(request('10.0.0.2', 'Bearer secret-token-123'))).toBe(tracker);
    expect(clientTracker(request('10.0.0.1', 'Bearer other-token-456'))).not.toBe(tracker);
  });

  it('should count a request without a credential against its address', () => {
    expect(clientTracker(request('10.0.0.1'))).toBe('ip:10.0.0.1');
    expect(clientTracker(request('::ffff:10.0.0.1'))).toBe('ip:10.0.0.1');
    expect(clientTracker(request('10.0.0.1', ''))).toBe('ip:10.0.0.1');
  });

  it('should count an IPv6 client by its /64, which one host can hop within', () => {
    expect(clientTracker(request('2001:db8:1:2::1'))).toBe(
      clientTracker(request('2001:db8:1:2:ffff::9')),
    );
    expect(clientTracker(request('2001:db8:1:2::1'))).not.toBe(
      clientTracker(request('2001:db8:1:3::1')),
    );
  });
});
