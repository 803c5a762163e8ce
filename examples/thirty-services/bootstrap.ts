import type { ProjectInput } from "../../src/config";

const bootstrap: ProjectInput = {
  project: "example",
  masterAccountId: "111111111111",
  region: "us-east-1",
  deployRoleName: "terraform-deploy",
};

export default bootstrap;
