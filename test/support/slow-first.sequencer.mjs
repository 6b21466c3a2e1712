import Sequencer from '@jest/test-sequencer';

/** Specs that take a minute or more on their own: started first, they do not end a parallel run alone. */
const SLOW = ['container-build.e2e-spec.ts'];

/**
 * Jest's order (failed first, then longest by its timing cache, else largest file), with the
 * known-slow specs ahead of it: a fresh clone, as in CI, has no timing cache.
 */
export default class SlowFirstSequencer extends Sequencer {
  sort(tests) {
    const sorted = super.sort(tests);
    const slow = (test) => SLOW.some((name) => test.path.endsWith(`/${name}`));
    return [...sorted.filter(slow), ...sorted.filter((test) => !slow(test))];
  }
}
