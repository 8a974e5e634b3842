/**
 * The S3 driver (@aws-sdk/client-s3): any S3-compatible store (AWS, MinIO,
 * R2…). Streams of unknown length go through multipart `Upload`; links are
 * presigned GETs. With `publicUrl` the links are presigned by a second client
 * for that endpoint (e.g. MinIO as the browser sees it, `http://localhost:9000`)
 * while the app talks to `endpoint` (`http://minio:9000` inside the network):
 * the host is part of what SigV4 signs, so rewriting a link afterwards breaks it.
 */
import { Readable } from "node:stream";
import {
  DeleteObjectCommand,
  GetObjectCommand,
  type GetObjectCommandOutput,
  HeadBucketCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig,
  S3ServiceException,
} from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { attachmentDisposition } from "./content-disposition";
import { BlobNotFoundError } from "./errors";
import { assertSafeKey } from "./keys";
import type { BlobInfo, BlobStore } from "./types";

/** Options of `createS3Store`. */
export type S3StoreOptions = {
  /** Bucket holding every object; it must exist (`check()` says when it does not). */
  bucket: string;
  region: string;
  /** Endpoint the app talks to (MinIO, R2…). @defaultValue AWS S3 for `region` */
  endpoint?: string | undefined;
  /** `http://host/bucket/key` rather than `http://bucket.host/key` (MinIO). @defaultValue false */
  forcePathStyle?: boolean | undefined;
  /** Endpoint that presigned links are made for. @defaultValue endpoint */
  publicUrl?: string | undefined;
  /** Static credentials. @defaultValue the SDK's chain (AWS_ACCESS_KEY_ID…, instance role) */
  credentials?: { accessKeyId: string; secretAccessKey: string } | undefined;
};

const DEFAULT_TYPE = "application/octet-stream";

function clientConfig(options: S3StoreOptions, endpoint: string | undefined): S3ClientConfig {
  return {
    region: options.region,
    ...(endpoint ? { endpoint } : {}),
    forcePathStyle: options.forcePathStyle ?? false,
    ...(options.credentials ? { credentials: options.credentials } : {}),
    // S3-compatible servers (s3rver, older MinIO) do not all speak the SDK's default CRC checksums.
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
  };
}

/** HeadObject answers a bare 404 (`NotFound`), GetObject a `NoSuchKey` body. */
function isNotFound(err: unknown): boolean {
  return (
    err instanceof S3ServiceException &&
    (err.name === "NotFound" || err.name === "NoSuchKey" || err.$metadata.httpStatusCode === 404)
  );
}

/** Creates the S3 blob store. */
export function createS3Store(options: S3StoreOptions): BlobStore {
  const client = new S3Client(clientConfig(options, options.endpoint));
  const signer = options.publicUrl
    ? new S3Client(clientConfig(options, options.publicUrl))
    : client;
  const Bucket = options.bucket;

  async function head(key: string): Promise<BlobInfo | null> {
    assertSafeKey(key);
    try {
      const res = await client.send(new HeadObjectCommand({ Bucket, Key: key }));
      return { key, bytes: res.ContentLength ?? 0, contentType: res.ContentType ?? DEFAULT_TYPE };
    } catch (err) {
      if (isNotFound(err)) return null;
      throw err;
    }
  }

  async function open(key: string): Promise<GetObjectCommandOutput & { Body: Readable }> {
    assertSafeKey(key);
    let res: GetObjectCommandOutput;
    try {
      res = await client.send(new GetObjectCommand({ Bucket, Key: key }));
    } catch (err) {
      if (isNotFound(err)) throw new BlobNotFoundError(key, { cause: err });
      throw err;
    }
    // In Node the SDK's body is an http.IncomingMessage; anything else is a runtime mix-up.
    if (!(res.Body instanceof Readable))
      throw new Error(`S3 returned no readable body for '${key}'.`);
    return { ...res, Body: res.Body };
  }

  return {
    driver: "s3",

    async put(key, body, contentType) {
      assertSafeKey(key);
      if (Buffer.isBuffer(body)) {
        await client.send(
          new PutObjectCommand({ Bucket, Key: key, Body: body, ContentType: contentType }),
        );
        return { key, bytes: body.length, contentType };
      }
      // PutObject needs a Content-Length up front; Upload sends parts of 5 MiB instead.
      await new Upload({
        client,
        params: { Bucket, Key: key, Body: body, ContentType: contentType },
      }).done();
      const stored = await head(key);
      if (!stored) throw new BlobNotFoundError(key);
      return stored;
    },

    async get(key) {
      const res = await open(key);
      const chunks: Buffer[] = [];
      for await (const chunk of res.Body) chunks.push(Buffer.from(chunk as Uint8Array));
      return Buffer.concat(chunks);
    },

    async getStream(key) {
      const res = await open(key);
      return {
        stream: res.Body,
        info: { key, bytes: res.ContentLength ?? 0, contentType: res.ContentType ?? DEFAULT_TYPE },
      };
    },

    head,

    async delete(key) {
      assertSafeKey(key);
      await client.send(new DeleteObjectCommand({ Bucket, Key: key }));
    },

    async signedUrl(key, opts) {
      assertSafeKey(key);
      const command = new GetObjectCommand({
        Bucket,
        Key: key,
        ...(opts.filename
          ? { ResponseContentDisposition: attachmentDisposition(opts.filename) }
          : {}),
      });
      return getSignedUrl(signer, command, { expiresIn: opts.ttlSeconds });
    },

    async check() {
      await client.send(new HeadBucketCommand({ Bucket }));
    },
  };
}
