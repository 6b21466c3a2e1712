import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';
import { once } from 'node:events';
import { newThread, THREAD_YOUNG_GENERATION_MB } from './new-thread';

const MIB = 1024 * 1024;
// Posts the size of the thread's young generation (both semi-spaces once it has been used).
const REPORT_YOUNG_GENERATION = `
  const { parentPort } = require('node:worker_threads');
  const { getHeapSpaceStatistics } = require('node:v8');
  const garbage = [];
  for (let i = 0; i < 200000; i++) garbage[i % 1000] = { i, text: String(i) };
  parentPort.postMessage(getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size);
`;

async function threadYoungGeneration(): Promise<number> {
  const thread = newThread(REPORT_YOUNG_GENERATION, { eval: true });
  try {
    const [bytes] = (await once(thread, 'message')) as [number];
    return bytes;
  } finally {
    await thread.terminate();
  }
}

describe('newThread', () => {
  afterAll(() => {
    setFlagsFromString('--min-semi-space-size=0');
    setFlagsFromString('--max-semi-space-size=0');
  });

  it('should size a thread young generation itself when the process pins the main one', async () => {
    // What the image's command line does for the main thread.
    setFlagsFromString('--min-semi-space-size=16');
    setFlagsFromString('--max-semi-space-size=16');

    const bytes = await threadYoungGeneration();

    expect(bytes).toBeGreaterThan(0);
    expect(bytes).toBeLessThanOrEqual(THREAD_YOUNG_GENERATION_MB * MIB);
  });

  it('should leave the main thread its own young generation', async () => {
    const before = getHeapSpaceStatistics().find((s) => s.space_name === 'new_space');

    await threadYoungGeneration();

    expect(getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')?.space_size).toBe(
      before?.space_size,
    );
  });
});
