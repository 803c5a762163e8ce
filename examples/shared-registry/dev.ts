import type { WorkspaceInput } from "../../src/config";

/**
 * dev's registry is shared with prod: `registry.pullAccountIds` gives prod's account a repository policy with
 * exactly the pull actions, so prod's release can copy the digest dev already runs instead of rebuilding it.
 */
const dev: WorkspaceInput = {
  name: "dev",
  accountId: "222222222222",
  region: "us-east-1",
  deployRoleName: "terraform-deploy",
  network: { cidr: "10.45.0.0/16", peerWith: [] },
  dns: { zoneName: "dev.example.com", createZone: true },
  registry: { pullAccountIds: ["333333333333"], keepTaggedImages: 100 },
  services: [{ name: "web", port: 8080, hosts: ["www.dev.example.com"] }],
};

export default dev;
