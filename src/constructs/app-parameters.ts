import { Construct } from "constructs";
import { SsmParameter } from "@cdktf/provider-aws/lib/ssm-parameter";
import { parameterPath } from "../naming";

export interface AppParametersProps {
  readonly project: string;
  readonly workspace: string;
  /** Component (service name, or `database`) the parameters belong to. */
  readonly component: string;
  /** NAME -> value; non-secret configuration only. */
  readonly values: Record<string, string>;
}

/** Non-secret configuration as SSM `String` parameters under `/<project>/<workspace>/<component>/<NAME>`. */
export class AppParameters extends Construct {
  /** Parameter resources by NAME. */
  public readonly parameters: Record<string, SsmParameter> = {};

  constructor(scope: Construct, id: string, props: AppParametersProps) {
    super(scope, id);
    for (const [name, value] of Object.entries(props.values)) {
      this.parameters[name] = new SsmParameter(this, name, {
        name: parameterPath(props.project, props.workspace, props.component, name),
        type: "String",
        tier: "Standard",
        value,
      });
    }
  }
}
