/** Reading the Dockerfile: the container test and the benchmarks use what the image is built from. */

/** The paths the Dockerfile's build stage copies in, read from its COPY lines. */
export function buildStageSources(dockerfile: string): string[] {
  const buildStage = dockerfile.split(/^FROM /m)[1];
  return [...buildStage.matchAll(/^COPY (?!--from)(.+) \S+$/gm)].flatMap((m) => m[1].split(' '));
}

/** The node flags of the runtime stage's `CMD ["node", ...flags, "dist/main.js"]`. */
export function runtimeNodeFlags(dockerfile: string): string[] {
  const command = /^CMD (\[.*\])$/m.exec(runtimeStage(dockerfile));
  const argv = command ? (JSON.parse(command[1]) as string[]) : [];
  if (argv[0] !== 'node' || argv[argv.length - 1] !== 'dist/main.js') {
    throw new Error('Dockerfile: the runtime stage has no CMD ["node", ..., "dist/main.js"]');
  }
  return argv.slice(1, -1);
}

/** The runtime stage's `ENV NAME=value` lines (quotes removed), as the container starts with them. */
export function runtimeStageEnv(dockerfile: string): Record<string, string> {
  return Object.fromEntries(
    [...runtimeStage(dockerfile).matchAll(/^ENV (\w+)=(.*)$/gm)].map((m) => [
      m[1],
      m[2].replace(/^"(.*)"$/, '$1'),
    ]),
  );
}

/** The runtime stage's `LABEL key="value"` lines, one label each, as the image carries them. */
export function runtimeStageLabels(dockerfile: string): Record<string, string> {
  return Object.fromEntries(
    [...runtimeStage(dockerfile).matchAll(/^LABEL ([\w.-]+)="(.*)"$/gm)].map((m) => [m[1], m[2]]),
  );
}

function runtimeStage(dockerfile: string): string {
  const stages = dockerfile.split(/^FROM /m);
  return stages[stages.length - 1];
}
