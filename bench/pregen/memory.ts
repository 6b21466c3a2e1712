/**
 * The service's memory during a cycle: VmRSS of the process (main thread and upstream thread
 * alike) sampled often, and beside each sample the main thread's V8 heap and external memory
 * (array buffers: the documents it received) from `/metrics`, to say what the peak is made of.
 */
import { scrapeMetrics } from '../support/metrics';
import { procStatusBytes } from '../support/proc-stats';

export interface MemoryAtPeak {
  /** VmRSS read just before the scrape. */
  rssBytes: number;
  mainHeapUsedBytes: number;
  mainHeapTotalBytes: number;
  /** Buffers and array buffers of the main thread (process.memoryUsage().external). */
  mainExternalBytes: number;
}

export interface MemorySamples {
  maxRssBytes: number;
  samples: number;
  /** The scraped sample with the highest RSS; null when no scrape answered. */
  atPeak: MemoryAtPeak | null;
}

const SCRAPE_TIMEOUT_MS = 2_000;

export class MemorySampler {
  private maxRss = 0;
  private samples = 0;
  private atPeak: MemoryAtPeak | null = null;
  private scraping = false;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly pid: number,
    private readonly serviceUrl: string,
    intervalMs: number,
  ) {
    this.timer = setInterval(() => void this.sample(), intervalMs);
  }

  stop(): MemorySamples {
    clearInterval(this.timer);
    return { maxRssBytes: this.maxRss, samples: this.samples, atPeak: this.atPeak };
  }

  private async sample(): Promise<void> {
    const rss = await procStatusBytes(this.pid, 'VmRSS');
    if (rss === null) {
      return;
    }
    this.maxRss = Math.max(this.maxRss, rss);
    this.samples++;
    // One scrape at a time: a busy main thread answers late, and the RSS samples go on meanwhile.
    if (this.scraping || (this.atPeak !== null && rss <= this.atPeak.rssBytes)) {
      return;
    }
    this.scraping = true;
    try {
      const metrics = await scrapeMetrics(this.serviceUrl, SCRAPE_TIMEOUT_MS);
      const value = (name: string) => metrics.get(name) ?? Number.NaN;
      if (this.atPeak === null || rss > this.atPeak.rssBytes) {
        this.atPeak = {
          rssBytes: rss,
          mainHeapUsedBytes: value('nodejs_heap_size_used_bytes'),
          mainHeapTotalBytes: value('nodejs_heap_size_total_bytes'),
          mainExternalBytes: value('nodejs_external_memory_bytes'),
        };
      }
    } catch {
      // A scrape that timed out says nothing about the memory; the RSS sample still counts.
    } finally {
      this.scraping = false;
    }
  }
}
