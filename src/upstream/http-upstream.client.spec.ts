import { validateSchedule } from './http-upstream.client';
import { UpstreamError } from './upstream.errors';

describe(validateSchedule.name, () => {
  it('should return each job company in order', () => {
    const text =
      '{"Result":[{"ServiceCompanyId":59},{"ServiceCompanyId":137}],"Message":"","IsSuccess":true}';
    expect(validateSchedule(text)).toEqual([59, 137]);
  });

  it.each([
    ['{"Result":[', 'invalid-json'],
    ['{"Result":null,"Message":"Database timeout","IsSuccess":false}', 'not-success'],
    ['{"Result":[],"IsSuccess":"true"}', 'not-success'],
    ['[]', 'not-success'],
    ['{"Result":{},"IsSuccess":true}', 'invalid-result'],
    ['{"Result":[1],"IsSuccess":true}', 'invalid-result'],
    ['{"Result":[{"ServiceCompanyId":"59"}],"IsSuccess":true}', 'invalid-result'],
    ['{"Result":[{"ServiceCompanyId":"../1"}],"IsSuccess":true}', 'invalid-result'],
    ['{"Result":[{"ServiceCompanyId":1.5}],"IsSuccess":true}', 'invalid-result'],
    ['{"Result":[{"ServiceCompanyId":0}],"IsSuccess":true}', 'invalid-result'],
    ['{"Result":[{"JobInformationId":1}],"IsSuccess":true}', 'invalid-result'],
  ])('should refuse %s as %s', (text, kind) => {
    let error: unknown;
    try {
      validateSchedule(text);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(UpstreamError);
    expect((error as UpstreamError).kind).toBe(kind);
  });
});
