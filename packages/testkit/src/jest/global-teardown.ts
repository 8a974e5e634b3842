/** Stops what global-setup started. */
export default async function globalTeardown(): Promise<void> {
  const services = globalThis.__imagegateServices;
  if (!services) return;
  await Promise.all([services.redis.stop(), services.s3.stop()]);
}
