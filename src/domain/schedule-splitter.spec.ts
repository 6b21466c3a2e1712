import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ScheduleDataset } from '../../tools/upstream-sim/dataset';
import { rawArrayElements, ScheduleDocument, scheduleDocument } from './schedule-document';
import { CompanyId, toCompanyId } from './schedule-key';
import { ScheduleSplitError, ScheduleSplitter, splitAnswer } from './schedule-splitter';

const SAMPLE = join(__dirname, '..', '..', 'test', 'fixtures', 'sample-dr-schedule.json');

type Outcome = Map<CompanyId, ScheduleDocument> | string;

/** The whole-answer split the streamed one must equal: JSON.parse to validate, then cut the text. */
function wholeAnswerSplit(answer: Buffer): Outcome {
  const text = answer.toString('utf8');
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return 'invalid-json';
  }
  const isRecord = (v: unknown): v is Record<string, unknown> =>
    typeof v === 'object' && v !== null && !Array.isArray(v);
  if (!isRecord(body) || body.IsSuccess !== true) {
    return 'not-success';
  }
  if (!Array.isArray(body.Result) || !body.Result.every(isRecord)) {
    return 'not-array-of-objects';
  }
  const ids = body.Result.map((job) =>
    typeof job.ServiceCompanyId === 'number' ? toCompanyId(job.ServiceCompanyId) : null,
  );
  if (ids.includes(null)) {
    return `company at ${ids.indexOf(null)}`;
  }
  const byCompany = new Map<CompanyId, string[]>();
  rawArrayElements(text, 'Result').forEach((job, index) => {
    const id = ids[index] as CompanyId;
    const list = byCompany.get(id);
    if (list) {
      list.push(job);
    } else {
      byCompany.set(id, [job]);
    }
  });
  return new Map([...byCompany].map(([id, jobs]) => [id, scheduleDocument(jobs)]));
}

/** The streamed split fed `answer` in chunks of `size` bytes, as an outcome comparable with the above. */
function streamedSplit(answer: Buffer, size: number): Outcome {
  const splitter = new ScheduleSplitter();
  try {
    for (let at = 0; at < answer.length; at += size) {
      splitter.write(answer.subarray(at, at + size));
    }
    return splitter.end();
  } catch (error) {
    if (!(error instanceof ScheduleSplitError)) {
      throw error;
    }
    return error.failure === 'company' ? `company at ${error.index}` : error.failure;
  }
}

/** Documents as comparable values: bytes as hex-free strings would hide invalid UTF-8. */
function comparable(outcome: Outcome): unknown {
  return typeof outcome === 'string'
    ? outcome
    : [...outcome].map(([id, doc]) => [id, doc.jobs, doc.body.toString('base64')]);
}

describe(ScheduleSplitter.name, () => {
  describe('on the sample answer', () => {
    const text = readFileSync(SAMPLE, 'utf8');
    const documents = splitAnswer(Buffer.from(text));
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

    it('should give each document the sha256 of its bytes', () => {
      for (const doc of documents.values()) {
        expect(doc.sha256).toBe(createHash('sha256').update(doc.body).digest('hex'));
      }
    });

    it('should split the same whatever the chunk sizes', () => {
      const answer = Buffer.from(text);
      const whole = comparable(wholeAnswerSplit(answer));
      for (const size of [1, 2, 3, 7, 64, 1000]) {
        expect(comparable(streamedSplit(answer, size))).toEqual(whole);
      }
    });
  });

  it('should equal the whole-answer split byte for byte on a simulated day of 1,000 companies', () => {
    const answer = new ScheduleDataset(7, 1_000).allCompaniesBody('2027-03-02', 0, () => false);
    const whole = wholeAnswerSplit(answer);
    const streamed = streamedSplit(answer, 65_536);

    expect(typeof whole).not.toBe('string');
    expect((whole as Map<CompanyId, ScheduleDocument>).size).toBeGreaterThan(500);
    expect([...(streamed as Map<CompanyId, ScheduleDocument>).keys()]).toEqual([
      ...(whole as Map<CompanyId, ScheduleDocument>).keys(),
    ]);
    for (const [id, doc] of whole as Map<CompanyId, ScheduleDocument>) {
      const mine = (streamed as Map<CompanyId, ScheduleDocument>).get(id);
      expect(mine?.jobs).toBe(doc.jobs);
      expect(mine?.body.equals(doc.body)).toBe(true);
    }
  });

  const JOB = '{"ServiceCompanyId":7,"a":1}';
  const answer = (result: string, rest = '"IsSuccess":true') => `{"Result":${result},${rest}}`;

  it.each([
    [
      'nested containers and the same key inside',
      answer('[{"ServiceCompanyId":7,"Result":[{"ServiceCompanyId":8}],"o":{"x":[[],{}]}}]'),
    ],
    [
      'strings with brackets, quotes and escapes',
      answer(
        String.raw`[{"s":"] } [ { \" \\\" , :","ServiceCompanyId":7,"t":"\\","u":"\u00e9\ud83d\ude00\/\b\f\n\r\t"}]`,
      ),
    ],
    [
      'whitespace everywhere',
      ` \r\n\t{ "Result" : [ { "ServiceCompanyId" : 7 , "s" : " a b " } , ${JOB} ] , "IsSuccess" : true } \n`,
    ],
    [
      'number literals as written',
      answer('[{"ServiceCompanyId":7,"a":165.0,"b":-0.5e+10,"c":1E2,"d":0,"e":-0}]'),
    ],
    [
      'a company written 7.0, 7e0 or 0.7E1',
      answer('[{"ServiceCompanyId":7.0},{"ServiceCompanyId":7e0},{"ServiceCompanyId":0.7E1}]'),
    ],
    ['an escaped member name', answer(String.raw`[{"Service\u0043ompanyId":7}]`)],
    [
      'the last of duplicate companies',
      answer(
        '[{"ServiceCompanyId":"x","ServiceCompanyId":7},{"ServiceCompanyId":7,"ServiceCompanyId":null}]',
      ),
    ],
    ['the last of duplicate Result members', answer(`[${JOB}],"Result":[{"ServiceCompanyId":9}]`)],
    ['a Result that is not an array, then one that is', answer(`{},"Result":[${JOB}]`)],
    ['a Result array, then one that is not', answer(`[${JOB}],"Result":5`)],
    ['IsSuccess true, then false', answer(`[${JOB}]`, '"IsSuccess":true,"IsSuccess":false')],
    ['IsSuccess false, then true', answer(`[${JOB}]`, '"IsSuccess":false,"IsSuccess":true')],
    ['IsSuccess "true"', answer(`[${JOB}]`, '"IsSuccess":"true"')],
    ['IsSuccess [true]', answer(`[${JOB}]`, '"IsSuccess":[true]')],
    ['no IsSuccess', `{"Result":[${JOB}]}`],
    ['no Result', '{"IsSuccess":true}'],
    ['an empty Result', answer('[]')],
    ['a job that is not an object', answer(`[${JOB},[1],"x"]`)],
    [
      'jobs without a valid company',
      answer(`[${JOB},{"a":1},{"ServiceCompanyId":0},{"ServiceCompanyId":-1}]`),
    ],
    ['a non-object job after one without a company', answer('[{"a":1},2]')],
    [
      'a company too large, fractional or a string',
      answer('[{"ServiceCompanyId":1e400},{"ServiceCompanyId":1.5},{"ServiceCompanyId":"7"}]'),
    ],
    ['an array at the top', `[${answer(`[${JOB}]`)}]`],
    ['a number at the top', '7'],
    ['a string at the top', '"x"'],
    ['a literal at the top', 'true'],
    ['nothing', ''],
    ['only whitespace', '  \n'],
    ['trailing garbage', `${answer(`[${JOB}]`)}x`],
    ['two values', `${answer(`[${JOB}]`)} {}`],
    ['a trailing comma', answer(`[${JOB},]`)],
    ['a missing comma', answer(`[${JOB} ${JOB}]`)],
    ['a missing colon', '{"Result" [],"IsSuccess":true}'],
    ['a single-quoted string', answer("[{'ServiceCompanyId':7}]")],
    ['an unknown escape', answer(String.raw`[{"ServiceCompanyId":7,"s":"\x"}]`)],
    ['a short unicode escape', answer(String.raw`[{"ServiceCompanyId":7,"s":"\u12"}]`)],
    ['a raw control character in a string', answer('[{"ServiceCompanyId":7,"s":"a\tb"}]')],
    ['a raw newline in a member name', answer('[{"Service\nCompanyId":7}]')],
    ['leading zeros', answer('[{"ServiceCompanyId":07}]')],
    ['a bare dot', answer('[{"ServiceCompanyId":7.}]')],
    ['a leading dot', answer('[{"ServiceCompanyId":.7}]')],
    ['a plus sign', answer('[{"ServiceCompanyId":+7}]')],
    ['an empty exponent', answer('[{"ServiceCompanyId":7e}]')],
    ['a minus alone', answer('[{"ServiceCompanyId":-}]')],
    ['NaN', answer('[{"ServiceCompanyId":NaN}]')],
    ['a misspelt literal', answer('[{"ServiceCompanyId":7,"x":tru}]')],
    ['a mismatched bracket', answer(`[${JOB}}`)],
    ['an unterminated string', answer('[{"ServiceCompanyId":7,"s":"abc}]')],
    ['a byte order mark', `\ufeff${answer(`[${JOB}]`)}`],
  ])('should answer as the whole-answer split for %s', (_name, text) => {
    const bytes = Buffer.from(text, 'utf8');
    const whole = comparable(wholeAnswerSplit(bytes));
    for (const size of [1, 3, bytes.length || 1]) {
      expect(comparable(streamedSplit(bytes, size))).toEqual(whole);
    }
  });

  it('should read invalid UTF-8 inside strings as the whole-answer text decoding does', () => {
    const bytes = Buffer.concat([
      Buffer.from('{"Result":[{"ServiceCompanyId":7,"s":"a'),
      Buffer.from([0xc3, 0x28, 0xe2, 0x82, 0xff, 0xf0, 0x9f]),
      Buffer.from('"}],"IsSuccess":true}'),
    ]);
    const whole = comparable(wholeAnswerSplit(bytes));
    expect(typeof whole).not.toBe('string');
    for (const size of [1, 2, bytes.length]) {
      expect(comparable(streamedSplit(bytes, size))).toEqual(whole);
    }
  });

  it('should refuse every truncation of an answer as invalid JSON', () => {
    const bytes = Buffer.from(answer(`[${JOB},{"ServiceCompanyId":8,"s":"x\\"]"}]`));
    for (let length = 0; length < bytes.length; length++) {
      expect(streamedSplit(bytes.subarray(0, length), 5)).toBe('invalid-json');
    }
  });

  it('should answer as the whole-answer split for random corruptions of an answer', () => {
    const base = Buffer.from(readFileSync(SAMPLE, 'utf8').slice(0, 4000));
    const valid = Buffer.from(readFileSync(SAMPLE, 'utf8'));
    const alphabet = Buffer.from('{}[]",:\\ 0123456789-+.eEtrufalsn\u00e9');
    let seed = 42;
    const random = (n: number) => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed % n;
    };
    for (let round = 0; round < 300; round++) {
      const bytes = Buffer.from(round % 2 === 0 ? valid : base);
      for (let k = 0; k <= random(3); k++) {
        bytes[random(bytes.length)] = alphabet[random(alphabet.length)];
      }
      expect(comparable(streamedSplit(bytes, 1 + random(200)))).toEqual(
        comparable(wholeAnswerSplit(bytes)),
      );
    }
  });
});
