import { removeJsonPaths } from './raw-json';

describe(removeJsonPaths.name, () => {
  it('should remove top-level members wherever they sit, keeping the rest byte for byte', () => {
    const json = '{"a":1,"b":165.0,"c":"x","d":1E2}';

    expect(removeJsonPaths(json, [['a']])).toBe('{"b":165.0,"c":"x","d":1E2}');
    expect(removeJsonPaths(json, [['b']])).toBe('{"a":1,"c":"x","d":1E2}');
    expect(removeJsonPaths(json, [['d']])).toBe('{"a":1,"b":165.0,"c":"x"}');
    expect(removeJsonPaths(json, [['a'], ['b'], ['c'], ['d']])).toBe('{}');
  });

  it('should remove members of nested objects and items of nested arrays', () => {
    const json = '{"h":{"x":1,"keep":[1,2],"c":[{"t":"P"},{"t":"E"},{"t":"O"}]},"z":null}';

    expect(
      removeJsonPaths(json, [
        ['h', 'x'],
        ['h', 'c', 0],
        ['h', 'c', 2],
      ]),
    ).toBe('{"h":{"keep":[1,2],"c":[{"t":"E"}]},"z":null}');
    expect(removeJsonPaths(json, [['h', 'c', 1, 't']])).toBe(
      '{"h":{"x":1,"keep":[1,2],"c":[{"t":"P"},{},{"t":"O"}]},"z":null}',
    );
  });

  it('should leave the text unchanged when a path meets null, a scalar or nothing', () => {
    const json = '{"h":null,"s":"a","n":[1]}';

    expect(
      removeJsonPaths(json, [
        ['h', 'x'],
        ['s', 'x'],
        ['n', 'x'],
        ['n', 3],
        ['missing', 'y'],
      ]),
    ).toBe(json);
  });

  it('should not be fooled by brackets, commas, quotes and escapes inside strings', () => {
    const json = '{"a":"q\\"uo,te ] } [","b\\\\":"x\\\\","c":{"d":"}"},"e":"\\u00e9"}';

    expect(removeJsonPaths(json, [['c', 'd']])).toBe(
      '{"a":"q\\"uo,te ] } [","b\\\\":"x\\\\","c":{},"e":"\\u00e9"}',
    );
    expect(removeJsonPaths(json, [['a']])).toBe('{"b\\\\":"x\\\\","c":{"d":"}"},"e":"\\u00e9"}');
  });

  it('should match member names decoded, as JSON.parse reads them', () => {
    const json = '{"Internal\\u004demo":"door code","Other":1}';

    expect(removeJsonPaths(json, [['InternalMemo']])).toBe('{"Other":1}');
  });

  it('should remove every occurrence of a repeated member name', () => {
    expect(removeJsonPaths('{"a":1,"b":2,"a":3}', [['a']])).toBe('{"b":2}');
  });

  it('should let a removed ancestor win over a path below it', () => {
    const json = '{"h":{"x":1,"y":2},"k":0}';

    expect(removeJsonPaths(json, [['h', 'x'], ['h']])).toBe('{"k":0}');
    expect(removeJsonPaths(json, [['h'], ['h', 'x']])).toBe('{"k":0}');
  });

  it('should accept whitespace between tokens and answer valid JSON', () => {
    const json = '{ "a" : { "b" : [ 1 , 2 ] , "c" : true } , "d" : false }';
    const result = removeJsonPaths(json, [['a', 'b', 0], ['d']]);

    expect(JSON.parse(result)).toEqual({ a: { b: [2], c: true } });
  });

  it('should return the text as it is without paths', () => {
    expect(removeJsonPaths('{"a": 1}', [])).toBe('{"a": 1}');
  });
});
