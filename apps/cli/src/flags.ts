/** Parsers of flag values shared by the command groups. */
import { InvalidArgumentError } from "commander";

/** Parses an integer flag. */
export function integer(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n)) throw new InvalidArgumentError("expected an integer");
  return n;
}
