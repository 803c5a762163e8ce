import type { WorkspaceInput } from "../../../src/config";

/**
 * A small workspace for the release end-to-end test: one rolling service (web), one blue-green service (api), no
 * database, CI roles. What it leaves out (a database, interface endpoints) only makes the emulator deploy faster.
 */
const rel: WorkspaceInput = {
  name: "rel",
  accountId: "444444444444",
  region: "us-east-1",
  deployRoleName: "terraform-deploy",
  network: { cidr: "10.50.0.0/16", flowLogs: { enabled: false } },
  dns: { zoneName: "rel.acme.example.com", createZone: true },
  loadBalancer: { testListener: { port: 8443, allowedCidrs: ["203.0.113.0/24"] } },
  services: [
    { name: "web", port: 3000, hosts: ["web.rel.acme.example.com"], priority: 20 },
    {
      name: "api",
      port: 8080,
      hosts: ["api.rel.acme.example.com"],
      priority: 10,
      healthCheck: { path: "/health" },
      deployment: {
        strategy: "blue-green",
        blueGreen: {
          trafficSteps: [
            { percent: 50, bakeSeconds: 20 },
            { percent: 100, bakeSeconds: 0 },
          ],
          keepPreviousMinutes: 60,
          validation: { http: { path: "/health", expectedStatus: 200 } },
        },
      },
    },
  ],
  ci: {
    repository: "acme/platform",
    release: { environments: ["rel"] },
  },
  // A short-lived test workspace: the findings its small shape leaves are accepted here, each with its reason.
  policy: {
    waivers: [
      { control: "EC2.6", resource: "aws_vpc.*", reason: "No flow logs in a test workspace that lives for one run" },
      { control: "ELB.6", resource: "aws_lb.*", reason: "The test destroys its load balancer with the emulator" },
      { control: "ELB.16", resource: "aws_lb.*", reason: "No WAF: the test workspace serves no real traffic" },
    ],
  },
};

export default rel;
