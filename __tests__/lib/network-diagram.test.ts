import * as fs from "fs";
import * as path from "path";
import { networkDiagram } from "../../src/lib/network-diagram";
import { PROJECT_ROOT, realEnvironments, workspaceNamed } from "../../test/stacks";

describe("networkDiagram", () => {
  const env = realEnvironments();

  test("the README's network picture is the one generated from environments/dev.ts", () => {
    const readme = fs.readFileSync(path.join(PROJECT_ROOT, "README.md"), "utf8");
    const block = /<!-- diagram:dev -->\n```mermaid\n([\s\S]*?)\n```\n<!-- \/diagram:dev -->/.exec(readme);
    expect(block).not.toBeNull();
    expect(block![1]).toBe(networkDiagram(workspaceNamed(env, "dev")));
  });

  test("draws one NAT gateway per zone for one-per-az and routes each app subnet to its own", () => {
    const text = networkDiagram(workspaceNamed(env, "prod"));
    expect(text.match(/NAT gateway/g)).toHaveLength(3);
    expect(text).toContain('app2 -. "0.0.0.0/0" .-> nat2');
  });

  test("draws every subnet of every tier with its CIDR", () => {
    const dev = workspaceNamed(env, "dev");
    const text = networkDiagram(dev);
    for (const cidr of [...dev.network.subnets.public, ...dev.network.subnets.app, ...dev.network.subnets.database]) {
      expect(text).toContain(cidr);
    }
  });
});
