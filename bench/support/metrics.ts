/** A service's Prometheus `/metrics`, as series → value. */
export async function scrapeMetrics(
  base: string,
  timeoutMs = 10_000,
): Promise<Map<string, number>> {
  const text = await (
    await fetch(`${base}/metrics`, { signal: AbortSignal.timeout(timeoutMs) })
  ).text();
  const values = new Map<string, number>();
  for (const line of text.split('\n')) {
    const at = line.lastIndexOf(' ');
    if (!line.startsWith('#') && at > 0) {
      values.set(line.slice(0, at), Number(line.slice(at + 1)));
    }
  }
  return values;
}
