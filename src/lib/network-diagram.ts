import type { WorkspaceConfig } from "../config";

/**
 * A Mermaid flowchart of one workspace's network and what runs in it, generated from its configuration (so the
 * picture in the README cannot drift from the code: a test compares them).
 */
export function networkDiagram(ws: WorkspaceConfig): string {
  const net = ws.network;
  const zones = net.availabilityZones;
  const nats = net.natGateways === "one-per-az" ? zones.length : net.natGateways === "single" ? 1 : 0;
  const publicServices = ws.services.filter((s) => s.public);
  const lines: string[] = ["flowchart TB", `  internet((Internet)) --> igw[Internet gateway]`];
  lines.push(`  subgraph vpc["VPC ${ws.namePrefix} ${net.cidr}"]`);
  zones.forEach((zone, i) => {
    lines.push(`    subgraph az${i}["${zone}"]`);
    lines.push(`      pub${i}["public ${net.subnets.public[i]}"]`);
    lines.push(`      app${i}["app ${net.subnets.app[i]}"]`);
    lines.push(`      db${i}["database ${net.subnets.database[i]}"]`);
    if (i < nats) lines.push(`      nat${i}{{"NAT gateway"}}`);
    lines.push("    end");
  });
  lines.push("  end");
  zones.forEach((_, i) => {
    lines.push(`  igw --> pub${i}`);
    if (nats > 0) {
      const nat = net.natGateways === "one-per-az" ? i : 0;
      lines.push(`  app${i} -. "0.0.0.0/0" .-> nat${nat}`);
    }
  });
  if (nats > 0) lines.push(...Array.from({ length: nats }, (_, i) => `  nat${i} --> igw`));
  if (publicServices.length > 0) {
    lines.push(`  alb[["ALB :443 (:80 redirects)"]]`);
    lines.push(`  igw --> alb`);
    for (const svc of publicServices) {
      const routes = [...svc.hosts, ...svc.paths].join(" ");
      lines.push(`  alb -- "${routes}" --> svc_${svc.name}["${svc.name} :${svc.port}"]`);
    }
  }
  for (const svc of ws.services.filter((s) => !s.public)) lines.push(`  svc_${svc.name}["${svc.name} (worker)"]`);
  if (ws.database) {
    lines.push(
      `  rds[("${ws.database.engine} ${ws.database.engineVersion}${ws.database.multiAz ? " multi-AZ" : ""}")]`,
    );
    for (const svc of ws.services) lines.push(`  svc_${svc.name} -- ":${ws.database.port}" --> rds`);
  }
  if (ws.services.length > 0) lines.push(`  svc_${ws.services[0].name} ~~~ app0`);
  if (ws.database) lines.push("  rds ~~~ db0");
  return lines.join("\n");
}
