import Sequencer from '@jest/test-sequencer';

/** Specs that take the longest for their size, longest first: none should end a parallel run alone. */
const SLOW = [
  'container-build.e2e-spec.ts',
  'redis-outage.e2e-spec.ts',
  'pregen-recovery.e2e-spec.ts',
];

/**
 * The known-slow specs, then Jest's order (failed first, then longest by its timing cache, else
 * largest file): a fresh clone, as in CI, has no timing cache.
 */
export default class SlowFirstSequencer extends Sequencer {
  sort(tests) {
    const rank = (test) => SLOW.findIndex((name) => test.path.endsWith(`/${name}`));
    const sorted = super.sort(tests);
    const slow = sorted.filter((test) => rank(test) >= 0).sort((a, b) => rank(a) - rank(b));
    return [...slow, ...sorted.filter((test) => rank(test) < 0)];
  }
}
