import { configIssue, PROD_FILE, validateChanged } from "../../test/fixtures";

// prod's api is blue-green, validated through prod's test listener.
const api = 1;

describe("blue-green services", () => {
  test("the shipped prod file is valid", () => {
    expect(validateChanged("prod", () => undefined)).not.toThrow();
  });

  test("need the test listener", () => {
    expect(validateChanged("prod", (ws) => delete ws.loadBalancer.testListener)).toThrow(
      configIssue(
        PROD_FILE,
        `services[${api}].deployment.strategy`,
        /"blue-green" checks the new version through the test listener; add loadBalancer.testListener/,
      ),
    );
  });

  test("need the load balancer", () => {
    expect(
      validateChanged("prod", (ws) => {
        ws.services[api].public = false;
        ws.services[api].hosts = [];
        ws.services[api].paths = [];
      }),
    ).toThrow(
      configIssue(
        PROD_FILE,
        `services[${api}].deployment.strategy`,
        /"blue-green" shifts load balancer traffic, and api has none \(public: false\)/,
      ),
    );
  });

  test("traffic steps must increase", () => {
    expect(
      validateChanged("prod", (ws) => {
        ws.services[api].deployment.blueGreen.trafficSteps = [{ percent: 50 }, { percent: 20 }, { percent: 100 }];
      }),
    ).toThrow(
      configIssue(
        PROD_FILE,
        `services[${api}].deployment.blueGreen.trafficSteps[1].percent`,
        /20 is not above the previous step's 50; steps must increase/,
      ),
    );
  });

  test("traffic steps must end at 100", () => {
    expect(
      validateChanged("prod", (ws) => {
        ws.services[api].deployment.blueGreen.trafficSteps = [{ percent: 10 }, { percent: 50 }];
      }),
    ).toThrow(
      configIssue(
        PROD_FILE,
        `services[${api}].deployment.blueGreen.trafficSteps[1].percent`,
        /the last step is 50; traffic steps must end at 100/,
      ),
    );
  });

  test.each([-1, 3601])("a bake time of %d seconds is out of range", (bakeSeconds) => {
    expect(
      validateChanged("prod", (ws) => {
        ws.services[api].deployment.blueGreen.trafficSteps = [{ percent: 100, bakeSeconds }];
      }),
    ).toThrow(/services\[1\]\.deployment\.blueGreen\.trafficSteps\[0\]\.bakeSeconds/);
  });

  test.each([80, 443])("the test listener cannot take the production port %d", (port) => {
    expect(validateChanged("prod", (ws) => (ws.loadBalancer.testListener.port = port))).toThrow(
      configIssue(PROD_FILE, "loadBalancer.testListener.port", new RegExp(`${port} is a production listener's port`)),
    );
  });

  test("the test listener cannot be open to the whole internet", () => {
    expect(validateChanged("prod", (ws) => (ws.loadBalancer.testListener.allowedCidrs = ["0.0.0.0/0"]))).toThrow(
      configIssue(
        PROD_FILE,
        "loadBalancer.testListener.allowedCidrs[0]",
        /0.0.0.0\/0 opens the test listener to the whole internet/,
      ),
    );
  });

  test("the test listener must name who may reach it", () => {
    expect(validateChanged("prod", (ws) => (ws.loadBalancer.testListener.allowedCidrs = []))).toThrow(
      /loadBalancer\.testListener\.allowedCidrs/,
    );
  });

  test("blueGreen settings on a rolling service are refused", () => {
    expect(
      validateChanged("prod", (ws) => {
        ws.services[0].deployment = { blueGreen: { keepPreviousMinutes: 5 } };
      }),
    ).toThrow(
      configIssue(PROD_FILE, "services[0].deployment.blueGreen", /only blue-green services take blueGreen settings/),
    );
  });

  test("a validation path must start with /", () => {
    expect(
      validateChanged("prod", (ws) => {
        ws.services[api].deployment.blueGreen.validation = { http: { path: "health" } };
      }),
    ).toThrow(
      configIssue(
        PROD_FILE,
        `services[${api}].deployment.blueGreen.validation.http.path`,
        /"health" must start with "\/"/,
      ),
    );
  });

  test("the colours' target group names must fit AWS's 32 characters", () => {
    expect(validateChanged("prod", (ws) => (ws.namePrefix = "acme-production-eu-west1"))).toThrow(
      configIssue(
        PROD_FILE,
        `services[${api}].name`,
        /"acme-production-eu-west1-api-b-8080" \(the blue target group\) is longer than the 32 characters/,
      ),
    );
  });
});
