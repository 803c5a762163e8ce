/**
 * npm run diagram -- [workspace]
 *
 * Prints a Mermaid diagram of a workspace's network and services, generated from its environment file.
 */
import * as path from "path";
import { loadEnvironments } from "../src/config";
import { networkDiagram } from "../src/lib/network-diagram";
import { PROJECT_ROOT } from "./lib/paths";

const USAGE = `Usage: npm run diagram -- [workspace]

Prints a Mermaid flowchart of the workspace's VPC, subnets per zone, NAT gateways, load balancer,
services and database, generated from environments/<workspace>.ts (default: dev).

Exit codes: 0 printed; 2 unknown workspace or bad arguments.`;

function main(argv: string[]): number {
  if (argv.includes("--help") || argv.includes("-h")) {
    console.log(USAGE);
    return 0;
  }
  if (argv.length > 1 || argv.some((a) => a.startsWith("-"))) {
    console.error(USAGE);
    return 2;
  }
  const name = argv[0] ?? "dev";
  const { workspaces } = loadEnvironments(path.join(PROJECT_ROOT, "environments"), PROJECT_ROOT);
  const ws = workspaces.find((w) => w.name === name);
  if (!ws) {
    console.error(`No workspace "${name}"; expected one of ${workspaces.map((w) => w.name).join(", ")}`);
    return 2;
  }
  console.log(networkDiagram(ws));
  return 0;
}

process.exit(main(process.argv.slice(2)));
