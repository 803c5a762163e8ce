// Facts the loader states about what the stacks create, held equal to what the stacks really synthesize. The config
// layer keeps its own copy of these (it does not import the constructs, to stay free of cdktf), so these tests are
// what keeps the two from drifting apart.
import { Testing } from "cdktf";
import {
  ECS_AMI_ARCHITECTURE,
  STACK_TAG_KEYS,
  TARGET_HEALTH_CHECK_TIMEOUT_SECONDS,
  validateWorkspace,
} from "../../src/config";
import { ECS_AMI_PARAMETER } from "../../src/constructs/container-cluster";
import { WorkspaceStack } from "../../src/stacks/workspace-stack";
import { DEV_FILE, devInput, projectConfig } from "../../test/fixtures";
import { realEnvironments, resourcesOf, Synthesized, synthWorkspaceStack, workspaceNamed } from "../../test/stacks";

// Synthesizing a workspace stack takes a few seconds.
jest.setTimeout(60_000);

const environments = realEnvironments();
const dev = synthWorkspaceStack(environments.project, workspaceNamed(environments, "dev")).parsed;

test("the load balancer's health check timeout is the one the loader compares intervals with", () => {
  const groups = resourcesOf(dev, "aws_lb_target_group");
  expect(groups.length).toBeGreaterThan(0);
  for (const group of groups) {
    expect((group.health_check as { timeout: number }).timeout).toBe(TARGET_HEALTH_CHECK_TIMEOUT_SECONDS);
  }
});

test("the only tags the stacks add themselves are the ones the loader keeps files from setting", () => {
  const fileTags = Object.keys(devInput().tags ?? {});
  const provider = (dev.provider.aws[0] as { default_tags: { tags: Record<string, string> }[] }).default_tags[0].tags;
  const keys = new Set(Object.keys(provider));
  for (const resources of Object.values(dev.resource)) {
    for (const config of Object.values(resources)) {
      for (const key of Object.keys((config.tags as Record<string, string> | undefined) ?? {})) keys.add(key);
    }
  }
  const added = [...keys].filter((key) => !fileTags.includes(key)).sort();
  expect(added.every((key) => (STACK_TAG_KEYS as readonly string[]).includes(key))).toBe(true);
  expect(added).toEqual(expect.arrayContaining(["Environment", "ManagedBy", "Name", "Project", "Tier"]));
});

test("the container instances' image has the architecture the loader checks instance types against", () => {
  expect(ECS_AMI_PARAMETER).toContain("amazon-linux-2023");
  expect(ECS_AMI_PARAMETER.includes("/arm64/") ? "arm64" : "x86_64").toBe(ECS_AMI_ARCHITECTURE);
});

test("a wildcard host, which the loader accepts, synthesizes a wildcard alias record and host condition", () => {
  const input = devInput();
  input.services![0].hosts = ["*.dev.acme.example.com"];
  const workspace = validateWorkspace(input, DEV_FILE, projectConfig());
  const stack = new WorkspaceStack(Testing.app(), "dev", { project: projectConfig(), workspace });
  const parsed = JSON.parse(Testing.synth(stack)) as Synthesized;
  expect(resourcesOf(parsed, "aws_route53_record").map((r) => r.name)).toContain("*.dev.acme.example.com");
  const conditions = resourcesOf(parsed, "aws_lb_listener_rule").flatMap((r) => r.condition as object[]);
  expect(conditions).toContainEqual({ host_header: { values: ["*.dev.acme.example.com"] } });
});
