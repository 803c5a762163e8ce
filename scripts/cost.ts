/**
 * npm run cost -- <workspace> [--markdown | --json]
 *
 * Prints what a workspace costs per month at the AWS list prices recorded in data/prices/<region>.json, with the
 * usage assumptions the estimate rests on. The estimate is src/lib/cost.ts; the command line is lib/cost.ts.
 */
import { runCostCommand } from "./lib/cost";

process.exit(
  runCostCommand(process.argv.slice(2), {
    env: process.env,
    out: (text) => console.log(text),
    err: (text) => console.error(text),
  }),
);
