import { SHOW_ALL_TOGGLES } from '../../test/support/feature-toggles';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  DEFAULT_FEATURE_TOGGLES,
  FeatureToggleName,
  FeatureToggles,
} from '../features/feature-toggles';
import { EMPTY_SCHEDULE, scheduleDocument } from '../domain/schedule-document';
import { splitAnswer } from '../domain/schedule-splitter';
import { CompanyId } from '../domain/schedule-key';
import { technicianView } from './technician-view';

const SAMPLE = join(__dirname, '..', '..', 'test', 'fixtures', 'sample-dr-schedule.json');

type Job = Record<string, unknown>;

const TECH = 4410;

/** A stored document made of hand-written job texts, exactly as the split writes them. */
function documentOf(...jobs: string[]): Buffer {
  return scheduleDocument(jobs).body;
}

function parse(view: { body: Buffer }): { Result: Job[]; Message: string; IsSuccess: boolean } {
  return JSON.parse(view.body.toString('utf8')) as {
    Result: Job[];
    Message: string;
    IsSuccess: boolean;
  };
}

function omit(value: Job, keys: string[]): Job {
  return Object.fromEntries(Object.entries(value).filter(([key]) => !keys.includes(key)));
}

function job(fields: string): string {
  return `{"JobInformationId":1,"ServiceCompanyId":59,"EmployeeSchedules":[{"EmployeeInformationId":${TECH}}]${fields}}`;
}

describe(technicianView.name, () => {
  const text = readFileSync(SAMPLE, 'utf8');
  const stored = splitAnswer(Buffer.from(text)).get(59 as CompanyId)!.body;
  const sampleJobs = (JSON.parse(text) as { Result: Job[] }).Result.filter(
    (sample) => sample.ServiceCompanyId === 59,
  );

  it('should keep only the jobs that list the technician, in stored order', () => {
    expect(
      parse(technicianView(stored, 4410, SHOW_ALL_TOGGLES)).Result.map((j) => j.JobInformationId),
    ).toEqual([9912001, 9912002]);
    expect(
      parse(technicianView(stored, 4417, SHOW_ALL_TOGGLES)).Result.map((j) => j.JobInformationId),
    ).toEqual([9912001]);
  });

  it('should answer the sample with default toggles as the expected object', () => {
    const view = technicianView(stored, 4417, DEFAULT_FEATURE_TOGGLES);
    const [first] = sampleJobs;
    const home = omit(first.HomeInformation as Job, ['AccessInformation']);
    const visible = omit(first, [
      'InternalMemo',
      'BillRate',
      'FeeSplitRate',
      'AddOnRate',
      'RoomRate',
      'Discounts',
    ]);

    expect(view.jobs).toBe(1);
    expect(parse(view)).toEqual({
      Result: [{ ...visible, HomeInformation: { ...home, ContactInfos: [] } }],
      Message: 'Successfully retrieved 1 jobs',
      IsSuccess: true,
    });
  });

  it('should answer the empty envelope to a technician assigned to nothing', () => {
    const view = technicianView(stored, 9001, SHOW_ALL_TOGGLES);

    expect(view.jobs).toBe(0);
    expect(view.body.equals(EMPTY_SCHEDULE.body)).toBe(true);
  });

  it('should not count missing, null or malformed EmployeeSchedules, or the id elsewhere, as the technician', () => {
    const document = documentOf(
      '{"JobInformationId":1}',
      '{"JobInformationId":2,"EmployeeSchedules":null}',
      '{"JobInformationId":3,"EmployeeSchedules":[null,{"EmployeeInformationId":"4410"}]}',
      '{"JobInformationId":4,"EmployeeSchedules":{"EmployeeInformationId":4410}}',
      '{"JobInformationId":6,"EmployeeSchedules":[{"EmployeeInformationId":44100}]}',
      '{"JobInformationId":7,"EmployeeSchedules":[],"Supervisor":{"EmployeeInformationId":4410}}',
      '{"JobInformationId":5,"EmployeeSchedules":[{"EmployeeInformationId":1},{"EmployeeInformationId":4410}]}',
    );

    expect(parse(technicianView(document, TECH, SHOW_ALL_TOGGLES)).Result).toEqual([
      {
        JobInformationId: 5,
        EmployeeSchedules: [{ EmployeeInformationId: 1 }, { EmployeeInformationId: 4410 }],
      },
    ]);
  });

  it('should keep every byte of a job that has nothing to hide', () => {
    const document = documentOf(
      job(',"BillRate":165.0,"AddOnRate":1E2,"Unknown":{"Nested":[1.50,"\\u00e9\\"x"]}'),
      job(',"HomeInformation":{"City":"Dayton","ContactInfos":[{"Type":"Phone","Value":"+1"}]}'),
    );

    expect(technicianView(document, TECH, SHOW_ALL_TOGGLES).body.equals(document)).toBe(true);
  });

  it('should always remove InternalMemo and HomeInformation.AccessInformation', () => {
    const document = documentOf(
      job(
        ',"InternalMemo":"disputed","HomeInformation":{"City":"Dayton","AccessInformation":"alarm 4821"},"Z":1',
      ),
    );

    expect(technicianView(document, TECH, SHOW_ALL_TOGGLES).body.toString('utf8')).toBe(
      documentOf(job(',"HomeInformation":{"City":"Dayton"},"Z":1')).toString('utf8'),
    );
  });

  it.each<[FeatureToggleName, string, string]>([
    ['TechDashboard_DisplayBillRate', 'BillRate', '165.0'],
    ['TechDashboard_DisplayFeeSplitRate', 'FeeSplitRate', '0.450'],
    ['TechDashboard_DisplayAddOnRate', 'AddOnRate', '20.0'],
    ['TechDashboard_DisplayRoomRate', 'RoomRate', 'null'],
  ])('should show %s only when on, with its literal as stored', (toggle, field, literal) => {
    const document = documentOf(job(`,"${field}":${literal},"Other":2.0`));
    const shown = technicianView(document, TECH, { ...DEFAULT_FEATURE_TOGGLES, [toggle]: true });
    const hidden = technicianView(document, TECH, { ...SHOW_ALL_TOGGLES, [toggle]: false });

    expect(shown.body.toString('utf8')).toContain(`,"${field}":${literal},"Other":2.0}`);
    expect(parse(hidden).Result[0]).not.toHaveProperty(field);
    expect(hidden.body.toString('utf8')).toContain(`}],"Other":2.0}`);
  });

  it('should remove Discounts only when TechDashboard_HideDiscounts is on', () => {
    const document = documentOf(job(',"Discounts":[{"Name":"Loyalty","Amount":10.0}]'));
    const hidden = technicianView(document, TECH, {
      ...SHOW_ALL_TOGGLES,
      TechDashboard_HideDiscounts: true,
    });
    const shown = technicianView(document, TECH, {
      ...DEFAULT_FEATURE_TOGGLES,
      TechDashboard_HideDiscounts: false,
    });

    expect(parse(hidden).Result[0]).not.toHaveProperty('Discounts');
    expect(shown.body.toString('utf8')).toContain('"Discounts":[{"Name":"Loyalty","Amount":10.0}]');
  });

  describe('customer contact infos', () => {
    const document = documentOf(
      job(
        ',"HomeInformation":{"ContactInfos":[{"Type":"Phone","Value":"p1"},{"Type":"EMAIL","Value":"e1"},{"Type":"Fax","Value":"f1"},{"Type":" phone ","Value":"p2"},{"Value":"untyped"}]}',
      ),
    );
    const contacts = (toggles: Partial<FeatureToggles>): unknown =>
      (
        parse(technicianView(document, TECH, { ...DEFAULT_FEATURE_TOGGLES, ...toggles })).Result[0]
          .HomeInformation as Job
      ).ContactInfos;

    it('should hide phones and emails (any case or padding) by default and keep other types', () => {
      expect(contacts({})).toEqual([{ Type: 'Fax', Value: 'f1' }, { Value: 'untyped' }]);
    });

    it('should show phones only with TechDashboard_DisplayCustomerPhoneNumbers', () => {
      expect(contacts({ TechDashboard_DisplayCustomerPhoneNumbers: true })).toEqual([
        { Type: 'Phone', Value: 'p1' },
        { Type: 'Fax', Value: 'f1' },
        { Type: ' phone ', Value: 'p2' },
        { Value: 'untyped' },
      ]);
    });

    it('should show emails only with TechDashboard_DisplayCustomerEmails', () => {
      expect(contacts({ TechDashboard_DisplayCustomerEmails: true })).toEqual([
        { Type: 'EMAIL', Value: 'e1' },
        { Type: 'Fax', Value: 'f1' },
        { Value: 'untyped' },
      ]);
    });

    it('should keep a job whose HomeInformation or ContactInfos is null or missing', () => {
      const others = documentOf(
        job(',"HomeInformation":null'),
        job(',"HomeInformation":{"ContactInfos":null}'),
        job(''),
      );

      expect(technicianView(others, TECH, DEFAULT_FEATURE_TOGGLES).body.equals(others)).toBe(true);
    });
  });

  it('should answer valid JSON whose Message counts the kept jobs', () => {
    const document = documentOf(job(',"A":1'), '{"JobInformationId":2}', job(',"B":2'));
    const view = technicianView(document, TECH, DEFAULT_FEATURE_TOGGLES);

    expect(parse(view)).toMatchObject({
      Message: 'Successfully retrieved 2 jobs',
      IsSuccess: true,
    });
    expect(view.jobs).toBe(2);
  });
});
