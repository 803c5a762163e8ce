/**
 * npm run diagram -- [workspace]
 *
 * Prints a Mermaid diagram of a workspace's network and services, generated from its environment file.
 */
import { networkDiagram } from "../src/lib/network-diagram";
import { findWorkspace, loadProjectEnvironments, main } from "./lib/cli";

const USAGE = `Usage: npm run diagram -- [workspace]

Prints a Mermaid flowchart of the workspace's VPC, subnets per zone, NAT gateways, load balancer,
services and database, generated from environments/<workspace>.ts (default: dev).

Exit codes: 0 printed; 2 unknown workspace, bad arguments or an invalid environment file.`;

main({ usage: USAGE, positionals: ["workspace"], required: 0, options: {} }, ({ positionals }) => {
  const workspace = findWorkspace(loadProjectEnvironments(), positionals[0] ?? "dev");
  console.log(networkDiagram(workspace));
  return 0;
});
