export default async function globalTeardown(): Promise<void> {
  await Promise.all((globalThis.testServices ?? []).map((service) => service.stop()));
}
