/** Stops what global-setup started. */
export default async function globalTeardown(): Promise<void> {
  const services = globalThis.__imagegateServices;
  globalThis.__imagegateServices = undefined;
  if (!services) return;
  await Promise.all([services.redis.stop(), services.s3.stop()]);
}
