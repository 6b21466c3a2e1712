import { EMPTY_SCHEDULE, rawArrayElements, scheduleDocument } from './schedule-document';

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

describe(scheduleDocument.name, () => {
  it('should answer an empty day in the legacy envelope', () => {
    expect(EMPTY_SCHEDULE.body.toString()).toBe(
      '{"Result":[],"Message":"Successfully retrieved 0 jobs","IsSuccess":true}',
    );
  });
});
