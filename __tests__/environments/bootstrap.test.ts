import { Testing } from "cdktf";
import { resourcesOf, synthBootstrap } from "../../test/stacks";
import { keysWhere } from "../../test/terraform";

// The state bootstrap as environments/bootstrap.ts and the shipped workspaces configure it. What the stack does with a
// project is tested on a fixture in __tests__/stacks/bootstrap-stack.test.ts.
describe("environments/bootstrap.ts", () => {
  const { json, parsed, stack } = synthBootstrap();

  test("synthesizes valid Terraform", () => {
    expect(Testing.fullSynth(stack)).toBeValidTerraform();
  });

  test("synthesizes the reviewed snapshot", () => {
    expect(json).toMatchSnapshot();
  });

  test("passes every security control checked at synth", () => {
    expect(stack.node.metadata.filter((m) => m.type === "@cdktf/error").map((m) => m.data)).toEqual([]);
  });

  test("logs the state bucket's access to the access log bucket", () => {
    expect(resourcesOf(parsed, "aws_s3_bucket_logging")).toEqual([
      expect.objectContaining({ target_prefix: "acme-tfstate-111111111111/" }),
    ]);
  });

  test("writes no secret value into the stack", () => {
    expect(resourcesOf(parsed, "aws_secretsmanager_secret_version")).toEqual([]);
  });

  test("sets no password anywhere in the stack", () => {
    expect(keysWhere(parsed, (key) => /password/i.test(key))).toEqual([]);
  });
});
