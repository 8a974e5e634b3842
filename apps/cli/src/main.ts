/** `imagegate` entry point. */
import { runCli } from "./program";

void runCli(process.argv, process.env);
