// Integration tests talk to real Redis, S3 and HTTP servers; give them room.
jest.setTimeout(30_000);
