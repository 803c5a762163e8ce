import * as fs from "fs";
import * as path from "path";
import { ConfigError, loadEnvironments } from "../../src/config";
import {
  CostFormat,
  estimateMonthlyCost,
  formatCostEstimate,
  parsePriceBook,
  PriceBook,
  PriceBookError,
} from "../../src/lib/cost";
import { PROJECT_ROOT } from "./paths";

/**
 * `npm run cost`: loads the environments and the price book of the workspace's region, and prints the estimate.
 * scripts/cost.ts is the command line around it.
 */

/** Exit codes of `npm run cost`. */
export const EXIT = {
  printed: 0,
  /** An environment file or the price book is invalid, or the book lacks a price the workspace needs. */
  failed: 1,
  /** Bad arguments or an unknown workspace. */
  usage: 2,
} as const;

/** Where the prices of each region are recorded, relative to the project root. */
export const PRICES_DIR = path.join("data", "prices");

export const USAGE = `Usage: npm run cost -- <workspace> [--markdown | --json]

Prints an estimate of what a workspace costs per month: every billed resource its stack creates, priced from
${PRICES_DIR}/<region>.json (AWS on-demand list prices, with the date they were recorded and their source), and
the usage assumptions (GB through NAT, log volume, load balancer capacity units) the estimate rests on, which
are estimates, not measurements. Tasks are counted at their desired count, EC2 capacity at its minimum size;
the notes give the ceilings.

  workspace    a workspace from environments/, e.g. dev
  --markdown   a Markdown table, as in the README (npm run cost -- dev --markdown)
  --json       the estimate as JSON: lines, total, assumptions, notes and the prices' date and source

Environment files are read from $ENVIRONMENTS_DIR when it is set, as by cdktf synth.

Exit codes:
  ${EXIT.printed}  printed
  ${EXIT.failed}  an environment file or the price book is invalid, or the book lacks a price the workspace needs
     (for example its EC2 instance type): the message names the file to extend
  ${EXIT.usage}  usage error or unknown workspace (the valid ones are listed)`;

export type OutputFormat = CostFormat | "json";

export type ParsedArgs =
  | { readonly help: true }
  | { readonly help: false; readonly workspace: string; readonly format: OutputFormat }
  | { readonly error: string };

export function parseArgs(argv: readonly string[]): ParsedArgs {
  if (argv.includes("--help") || argv.includes("-h")) return { help: true };
  const formats: OutputFormat[] = [];
  const positional: string[] = [];
  const unexpected: string[] = [];
  for (const arg of argv) {
    if (arg === "--markdown") formats.push("markdown");
    else if (arg === "--json") formats.push("json");
    else if (arg.startsWith("-")) unexpected.push(arg);
    else positional.push(arg);
  }
  if (unexpected.length > 0) return { error: `Unknown option(s): ${unexpected.join(" ")}` };
  if (positional.length === 0) return { error: "Missing the workspace" };
  if (positional.length > 1) return { error: `Unexpected argument(s): ${positional.slice(1).join(" ")}` };
  if (formats.length > 1) return { error: "Give one of --markdown and --json, not both" };
  return { help: false, workspace: positional[0], format: formats[0] ?? "text" };
}

/** Reads and validates `data/prices/<region>.json`. */
export function readPriceBook(region: string, root: string = PROJECT_ROOT): PriceBook {
  const file = path.join(PRICES_DIR, `${region}.json`).split(path.sep).join("/");
  const full = path.join(root, file);
  if (!fs.existsSync(full)) {
    throw new PriceBookError(
      `No prices recorded for ${region}: ${file} does not exist; record the region's prices there, in the shape of ` +
        `${PRICES_DIR.split(path.sep).join("/")}/us-east-1.json`,
    );
  }
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(full, "utf8"));
  } catch (err) {
    throw new PriceBookError(`${file} is not valid JSON: ${(err as Error).message}`);
  }
  const prices = parsePriceBook(raw, file);
  if (prices.region !== region) {
    throw new PriceBookError(`${file} says its prices are for ${prices.region}; expected ${region}, as its name says`);
  }
  return prices;
}

export interface CostIo {
  readonly env: NodeJS.ProcessEnv;
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}

export function runCostCommand(argv: readonly string[], io: CostIo, root: string = PROJECT_ROOT): number {
  const parsed = parseArgs(argv);
  if ("error" in parsed) {
    io.err(`${parsed.error}\n\n${USAGE}`);
    return EXIT.usage;
  }
  if (parsed.help) {
    io.out(USAGE);
    return EXIT.printed;
  }
  try {
    // As main.ts: ENVIRONMENTS_DIR points at another set of environment files.
    const environmentsDir = path.resolve(io.env.ENVIRONMENTS_DIR ?? path.join(root, "environments"));
    const { workspaces } = loadEnvironments(environmentsDir, root);
    const workspace = workspaces.find((w) => w.name === parsed.workspace);
    if (!workspace) {
      io.err(`No workspace "${parsed.workspace}"; expected one of ${workspaces.map((w) => w.name).join(", ")}`);
      return EXIT.usage;
    }
    const estimate = estimateMonthlyCost(workspace, readPriceBook(workspace.region, root));
    io.out(parsed.format === "json" ? JSON.stringify(estimate, null, 2) : formatCostEstimate(estimate, parsed.format));
    return EXIT.printed;
  } catch (err) {
    if (err instanceof ConfigError || err instanceof PriceBookError) {
      io.err(err.message);
      return EXIT.failed;
    }
    throw err;
  }
}
