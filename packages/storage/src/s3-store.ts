/**
 * The S3 driver (@aws-sdk/client-s3): any S3-compatible store (AWS, MinIO,
 * R2…). Streams of unknown length go through multipart `Upload`; links are
 * presigned GETs. With `publicUrl` the links are presigned for that endpoint
 * (e.g. MinIO as the browser sees it) while the app talks to `endpoint`.
 */

import type { Readable } from "node:stream";
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig,
} from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { BlobNotFoundError } from "./errors";
import { assertSafeKey } from "./keys";
import type { BlobInfo, BlobStore } from "./types";

/** Options of `createS3Store`. */
export type S3StoreOptions = {
  bucket: string;
  region: string;
  /** Endpoint the app talks to (MinIO, R2…); AWS when unset. */
  endpoint?: string | undefined;
  forcePathStyle?: boolean | undefined;
  /** Endpoint that presigned links are made for. @defaultValue endpoint */
  publicUrl?: string | undefined;
  credentials?: { accessKeyId: string; secretAccessKey: string } | undefined;
};

function clientConfig(options: S3StoreOptions, endpoint: string | undefined): S3ClientConfig {
  return {
    region: options.region,
    ...(endpoint ? { endpoint } : {}),
    forcePathStyle: options.forcePathStyle ?? false,
    ...(options.credentials ? { credentials: options.credentials } : {}),
    // S3-compatible servers do not all speak the SDK's default CRC checksums.
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
  };
}

function isNotFound(err: unknown): boolean {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e?.name === "NotFound" || e?.name === "NoSuchKey" || e?.$metadata?.httpStatusCode === 404;
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
      return {
        key,
        bytes: res.ContentLength ?? 0,
        contentType: res.ContentType ?? "application/octet-stream",
      };
    } catch (err) {
      if (isNotFound(err)) return null;
      throw err;
    }
  }

  async function open(key: string) {
    assertSafeKey(key);
    try {
      return await client.send(new GetObjectCommand({ Bucket, Key: key }));
    } catch (err) {
      if (isNotFound(err)) throw new BlobNotFoundError(key, { cause: err });
      throw err;
    }
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
      return Buffer.from(
        await (res.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray(),
      );
    },

    async getStream(key) {
      const res = await open(key);
      return {
        stream: res.Body as Readable,
        info: {
          key,
          bytes: res.ContentLength ?? 0,
          contentType: res.ContentType ?? "application/octet-stream",
        },
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
          ? {
              ResponseContentDisposition: `attachment; filename="${opts.filename.replace(/"/g, "")}"`,
            }
          : {}),
      });
      return getSignedUrl(signer, command, { expiresIn: opts.ttlSeconds });
    },

    async check() {
      await client.send(new HeadBucketCommand({ Bucket }));
    },
  };
}
