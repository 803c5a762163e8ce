import { Testing } from "cdktf";
import { ConfigError, WorkspaceInput } from "../../src/config";
import { matchesAddress } from "../../src/policy/waivers";
import { BootstrapStack } from "../../src/stacks/bootstrap-stack";
import { WorkspaceStack } from "../../src/stacks/workspace-stack";
import { FIXTURE_WORKSPACE_FILE, fixtureProject, fixtureWorkspace } from "../../test/workspace-fixtures";

const RDS_WAIVER = {
  control: "RDS.5",
  resource: "aws_db_instance.*",
  reason: "A single zone is enough while this workspace serves test data",
};

/** The fixture workspace as production with a WAF but a single-AZ database: its one finding is RDS.5. */
function production(change: (input: WorkspaceInput) => void = () => {}) {
  return fixtureWorkspace((ws) => {
    ws.production = true;
    ws.loadBalancer = { waf: {} };
    ws.database = { ...ws.database!, multiAz: false };
    change(ws);
  });
}

/** A synthesized workspace stack's annotations, by level. */
function annotations(change: (input: WorkspaceInput) => void = () => {}) {
  const stack = new WorkspaceStack(Testing.app(), "stage", {
    project: fixtureProject(),
    workspace: production(change),
  });
  Testing.synth(stack);
  const of = (type: string) => stack.node.metadata.filter((m) => m.type === type).map((m) => String(m.data));
  return { stack, errors: of("@cdktf/error"), infos: of("@cdktf/info") };
}

function refusal(change: (input: WorkspaceInput) => void): string {
  try {
    production(change);
  } catch (err) {
    if (err instanceof ConfigError) return err.message;
    throw err;
  }
  throw new Error("the workspace was accepted");
}

describe("a finding no waiver covers", () => {
  const { stack, errors } = annotations();

  test("is one error on the stack naming the stack, the control and the resource address", () => {
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^the stage stack breaks the security controls checked at synth/);
    expect(errors[0]).toMatch(
      /\n {2}- RDS\.5 aws_db_instance\.Workload_Database_Instance_[0-9A-F]{8}: runs in a single Availability Zone\n/,
    );
  });

  test("says how to waive it, in which file", () => {
    expect(errors[0]).toContain(
      `accept a finding on purpose in ${FIXTURE_WORKSPACE_FILE}: policy: { waivers: [{ control: "RDS.5", resource: "aws_db_instance.Workload_Database_Instance_`,
    );
  });

  test("fails the synth", () => {
    expect(() => Testing.fullSynth(stack)).toThrow(/RDS\.5 aws_db_instance\.Workload_Database_Instance_/);
  });

  test("is reported once however often the stack is synthesized", () => {
    Testing.synth(stack);
    expect(stack.node.metadata.filter((m) => m.type === "@cdktf/error")).toHaveLength(1);
  });
});

describe("a waiver", () => {
  test("covers the findings whose control and address it matches: the synth passes", () => {
    expect(annotations((ws) => (ws.policy = { waivers: [RDS_WAIVER] })).errors).toEqual([]);
  });

  test("in effect is listed at every synth, one line with its reason", () => {
    const { infos } = annotations((ws) => (ws.policy = { waivers: [RDS_WAIVER] }));
    expect(infos).toEqual([
      `waived RDS.5 on aws_db_instance.* (1 resource, ${FIXTURE_WORKSPACE_FILE}): ${RDS_WAIVER.reason}`,
    ]);
  });

  test("for another control does not cover a finding", () => {
    const { errors } = annotations(
      (ws) => (ws.policy = { waivers: [RDS_WAIVER, { ...RDS_WAIVER, control: "RDS.8" }] }),
    );
    expect(errors).toHaveLength(1);
    expect(errors[0]).not.toMatch(/- RDS\.5 /);
  });

  test("that covers nothing fails the synth, naming the file, the waiver and what to do", () => {
    const { errors } = annotations(
      (ws) =>
        (ws.policy = {
          waivers: [
            RDS_WAIVER,
            { control: "RDS.8", resource: "aws_db_instance.*", reason: "Deletion protection is not needed here" },
          ],
        }),
    );
    expect(errors).toEqual([
      expect.stringContaining(
        `  - ${FIXTURE_WORKSPACE_FILE} policy.waivers[1]: waives RDS.8 on "aws_db_instance.*", but no resource matching it breaks RDS.8; remove the waiver or correct its resource address`,
      ),
    ]);
    expect(errors[0]).not.toMatch(/accept a finding on purpose/);
  });

  test("on the bootstrap stack comes from bootstrap.ts and is checked the same way", () => {
    const project = fixtureProject(
      (p) =>
        (p.policy = {
          waivers: [{ control: "S3.9", resource: "aws_s3_bucket.*", reason: "State access is logged by CloudTrail" }],
        }),
    );
    const stack = new BootstrapStack(Testing.app(), "bootstrap", { project, workspaces: [] });
    Testing.synth(stack);
    const errors = stack.node.metadata.filter((m) => m.type === "@cdktf/error").map((m) => String(m.data));
    expect(errors).toEqual([
      expect.stringContaining(`${project.file} policy.waivers[0]: waives S3.9 on "aws_s3_bucket.*"`),
    ]);
  });
});

describe("the loader refuses a waiver", () => {
  test("of a control that is not checked here, listing the ones that are", () => {
    const message = refusal((ws) => (ws.policy = { waivers: [{ ...RDS_WAIVER, control: "EC2.99" }] }));
    expect(message).toContain(FIXTURE_WORKSPACE_FILE);
    expect(message).toMatch(
      /policy\.waivers\[0\]\.control: "EC2\.99" is not a security control checked here; expected one of S3\.8, /,
    );
  });

  test("without a reason of at least 20 characters", () => {
    const message = refusal((ws) => (ws.policy = { waivers: [{ ...RDS_WAIVER, reason: "   accepted   " }] }));
    expect(message).toMatch(/policy\.waivers\[0\]\.reason: give a reason of at least 20 characters/);
  });

  test("whose resource is not a Terraform address", () => {
    const message = refusal((ws) => (ws.policy = { waivers: [{ ...RDS_WAIVER, resource: "Network/Acls/public-in" }] }));
    expect(message).toMatch(/policy\.waivers\[0\]\.resource: must be a Terraform address/);
  });

  test("with a field it does not know", () => {
    const message = refusal(
      (ws) => (ws.policy = { waivers: [{ ...RDS_WAIVER, expires: "2027-01-01" } as typeof RDS_WAIVER] }),
    );
    expect(message).toMatch(
      /policy\.waivers\[0\]\.expires: unknown field; valid fields here: control, resource, reason/,
    );
  });
});

describe("matchesAddress", () => {
  test.each([
    ["aws_db_instance.*", "aws_db_instance.Workload_Database_Instance_3E5338A7", true],
    [
      "aws_db_instance.Workload_Database_Instance_3E5338A7",
      "aws_db_instance.Workload_Database_Instance_3E5338A7",
      true,
    ],
    ["aws_db_instance.*", "aws_db_instance_extra.X", false],
    ["aws_lb.*", "aws_lb_listener.Workload_LoadBalancer_Https_13ABD58A", false],
    ["aws_s3_bucket.Log*", "aws_s3_bucket.StateBucket_446E0578", false],
    ["aws_s3_bucket.*Bucket*", "aws_s3_bucket.Workload_LoadBalancer_LogBucket_83D7CAEE", true],
  ])("%s against %s is %s", (pattern, address, expected) => {
    expect(matchesAddress(pattern, address)).toBe(expected);
  });
});
