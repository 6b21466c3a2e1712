import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validateSchedule } from '../upstream/http-upstream.client';
import {
  EMPTY_SCHEDULE,
  rawArrayElements,
  scheduleDocument,
  splitByCompany,
} from './schedule-document';
import { CompanyId } from './schedule-key';

const SAMPLE = join(__dirname, '..', '..', 'test', 'fixtures', 'sample-dr-schedule.json');

describe(rawArrayElements.name, () => {
  it('should return each element with whitespace between tokens removed', () => {
    const json = '{ "Message": "x", "Result": [ { "a": 1 , "b": [ 2, 3 ] }, { "c": "d e" } ] }';
    expect(rawArrayElements(json, 'Result')).toEqual(['{"a":1,"b":[2,3]}', '{"c":"d e"}']);
  });

  it('should keep number literals, escapes and key order exactly as written', () => {
    const json =
      '{"Result":[{"z":165.0,"a":1E2,"s":"q\\"uote, ] } [","u":"\\u00e9"}],"IsSuccess":true}';
    expect(rawArrayElements(json, 'Result')).toEqual([
      '{"z":165.0,"a":1E2,"s":"q\\"uote, ] } [","u":"\\u00e9"}',
    ]);
  });

  it('should ignore a nested key of the same name', () => {
    const json = '{"Other":{"Result":[1]},"Result":[{"Result":[2,3]}]}';
    expect(rawArrayElements(json, 'Result')).toEqual(['{"Result":[2,3]}']);
  });

  it('should treat escaped backslashes before a quote as the end of a string', () => {
    const json = '{"Result":[{"a":"x\\\\","b":"y\\"z"} , {"c":[ ]}]}';
    expect(rawArrayElements(json, 'Result')).toEqual(['{"a":"x\\\\","b":"y\\"z"}', '{"c":[]}']);
  });

  it('should return nothing for an empty array', () => {
    expect(rawArrayElements('{"Result":[]}', 'Result')).toEqual([]);
  });
});

describe(splitByCompany.name, () => {
  const text = readFileSync(SAMPLE, 'utf8');
  const companyIds = validateSchedule(text);
  const documents = splitByCompany(text, companyIds);
  const upstream = JSON.parse(text) as { Result: { ServiceCompanyId: number }[] };

  it('should write one document per company with its jobs in upstream order', () => {
    const expected = new Set(upstream.Result.map((job) => job.ServiceCompanyId));
    expect([...documents.keys()].sort()).toEqual([...expected].sort());
    for (const [companyId, doc] of documents) {
      const jobs = upstream.Result.filter((job) => job.ServiceCompanyId === companyId);
      expect(JSON.parse(doc.body.toString('utf8'))).toEqual({
        Result: jobs,
        Message: `Successfully retrieved ${jobs.length} jobs`,
        IsSuccess: true,
      });
      expect(doc.jobs).toBe(jobs.length);
    }
  });

  it('should write compact UTF-8 that keeps decimal literals and non-ASCII text', () => {
    const doc = documents.get(59 as CompanyId)?.body.toString('utf8') ?? '';
    expect(doc).toContain('"BillRate":165.0,');
    expect(doc).toContain('"FirstName":"Zoë","LastName":"Müller"');
    expect(doc).not.toMatch(/[\n\r\t]|": |, "/);
  });

  it('should refuse an answer whose raw and parsed job counts differ', () => {
    expect(() => splitByCompany('{"Result":[{}]}', [])).toThrow(/1 raw elements but 0/);
  });
});

describe(scheduleDocument.name, () => {
  it('should answer an empty day in the legacy envelope', () => {
    expect(EMPTY_SCHEDULE.body.toString()).toBe(
      '{"Result":[],"Message":"Successfully retrieved 0 jobs","IsSuccess":true}',
    );
  });
});
