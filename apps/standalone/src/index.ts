export { ensureRedis, type PrivateRedis } from "./private-redis";
