import type { ProjectInput } from "../../../src/config";

/** The state store for the operate end-to-end test (the same settings as the shipped bootstrap). */
const bootstrap: ProjectInput = {
  project: "acme",
  masterAccountId: "111111111111",
  region: "us-east-1",
  deployRoleName: "terraform-deploy",
};

export default bootstrap;
