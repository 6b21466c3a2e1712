/** Reading the Dockerfile: the container test and the benchmarks use what the image is built from. */

/** The paths the Dockerfile's build stage copies in, read from its COPY lines. */
export function buildStageSources(dockerfile: string): string[] {
  const buildStage = dockerfile.split(/^FROM /m)[1];
  return [...buildStage.matchAll(/^COPY (?!--from)(.+) \S+$/gm)].flatMap((m) => m[1].split(' '));
}

/** The runtime stage's `ENV NAME=value` lines (quotes removed), as the container starts with them. */
export function runtimeStageEnv(dockerfile: string): Record<string, string> {
  const stages = dockerfile.split(/^FROM /m);
  const runtime = stages[stages.length - 1];
  return Object.fromEntries(
    [...runtime.matchAll(/^ENV (\w+)=(.*)$/gm)].map((m) => [m[1], m[2].replace(/^"(.*)"$/, '$1')]),
  );
}
