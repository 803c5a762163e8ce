import { SsmParameter } from "@cdktf/provider-aws/lib/ssm-parameter";
import { AppParameters, AppParametersProps } from "../../src/constructs/app-parameters";
import { PROJECT, WORKSPACE } from "../../test/construct-fixtures";
import { resourcesOf, synthConstruct } from "../../test/stacks";

const PROPS: AppParametersProps = {
  project: PROJECT,
  workspace: WORKSPACE,
  component: "api",
  values: { LOG_LEVEL: "debug", BASE_URL: "https://app.test.acme.example.com" },
};

describe("AppParameters", () => {
  let parameters!: AppParameters;
  const { json, parsed } = synthConstruct((scope) => {
    parameters = new AppParameters(scope, "Parameters", PROPS);
  });

  test("publishes each value under /<project>/<workspace>/<component>/<NAME>", () => {
    expect(
      resourcesOf(parsed, "aws_ssm_parameter")
        .map((p) => [p.name, p.value])
        .sort(),
    ).toEqual([
      ["/acme/test/api/BASE_URL", "https://app.test.acme.example.com"],
      ["/acme/test/api/LOG_LEVEL", "debug"],
    ]);
  });

  test("stores plain String parameters in the free Standard tier, never SecureString", () => {
    expect(json).toHaveResourceWithProperties(SsmParameter, { type: "String", tier: "Standard" });
    expect(resourcesOf(parsed, "aws_ssm_parameter").map((p) => p.type)).toEqual(["String", "String"]);
  });

  test("exposes each parameter by its NAME", () => {
    expect(Object.keys(parameters.parameters)).toEqual(["LOG_LEVEL", "BASE_URL"]);
  });

  test("creates nothing when there are no values", () => {
    const empty = synthConstruct((scope) => new AppParameters(scope, "Parameters", { ...PROPS, values: {} })).parsed;
    expect(resourcesOf(empty, "aws_ssm_parameter")).toEqual([]);
  });
});
