import { CompanyId, ScheduleDate } from '../domain/schedule-key';
import { BlobNames } from './blob-names';

describe('BlobNames', () => {
  it('should name a company document {serviceCompanyId}/{YYYY-MM-DD}/schedule.json', () => {
    expect(BlobNames.schedule(59 as CompanyId, '2025-12-03' as ScheduleDate)).toBe(
      '59/2025-12-03/schedule.json',
    );
  });

  it('should keep manifests outside every company prefix', () => {
    expect(BlobNames.manifest('2025-12-03' as ScheduleDate)).toBe('manifests/2025-12-03.json');
  });

  it('should keep feature toggles outside every company prefix', () => {
    expect(BlobNames.featureToggles(59 as CompanyId)).toBe('feature-toggles/59.json');
  });
});

describe('BlobNames.dateOf', () => {
  it.each([
    ['59/2025-12-03/schedule.json', '2025-12-03'],
    ['manifests/2025-12-03.json', '2025-12-03'],
  ])('should read the date of %s', (name, date) => {
    expect(BlobNames.dateOf(name)).toBe(date);
  });

  it.each([
    'users/users.json',
    'feature-toggles/59.json',
    'health/probe',
    '0/2025-12-03/schedule.json',
    '59/2025-12-03/other.json',
    '59/2025-02-30/schedule.json',
    'manifests/2025-12-03.json.bak',
    'x/59/2025-12-03/schedule.json',
  ])('should give no date for %s', (name) => {
    expect(BlobNames.dateOf(name)).toBeNull();
  });
});
