/**
 * The upstream of the proxy bench: an OpenAI-compatible Images API that
 * answers `POST /v1/images/generations` at once with one 64×64 PNG as
 * `b64_json` (computed once), so the gateways in front of it are what is
 * measured.
 */
import { createServer } from "node:http";
import sharp from "sharp";

async function main(): Promise<void> {
  const png = await sharp({
    create: { width: 64, height: 64, channels: 3, background: { r: 40, g: 90, b: 160 } },
  })
    .png()
    .toBuffer();
  const body = JSON.stringify({
    created: Math.floor(Date.now() / 1000),
    data: [{ b64_json: png.toString("base64") }],
    size: "64x64",
  });
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      if (req.method !== "POST" || !req.url?.endsWith("/images/generations")) {
        res.writeHead(404, { "content-type": "application/json" });
        res.end(
          '{"error":{"message":"not found","type":"invalid_request_error","param":null,"code":null}}',
        );
        return;
      }
      res.writeHead(200, {
        "content-type": "application/json",
        "content-length": Buffer.byteLength(body),
      });
      res.end(body);
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  process.stdout.write(`ready ${(server.address() as { port: number }).port}\n`);
  process.on("SIGTERM", () => server.close(() => process.exit(0)));
}

void main();
