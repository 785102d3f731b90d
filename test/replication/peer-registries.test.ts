/**
 * A primary's peers taken together (SPEC R6.2): a peer publishing this stack's own registry, or two peers
 * publishing one registry, fail naming the peer stacks and the field before any endpoint is made.
 */
import * as assert from "assert";
import type { PeerStackOutputs } from "../../tools/synth/engine";
import { peersFromRuns, runProgramFailing, stackRun } from "../harness";
import { apne3From, primaryConfig, twoPeers } from "./support/peers";

describe("replication: the registries of a primary's peers", function () {
  this.timeout(120000);
  let apne1: PeerStackOutputs;
  before(async () => {
    apne1 = (await stackRun("prod-apne1")).asPeer();
  });

  it("a peer whose registryUrl is this stack's own host fails (a policy pushing into its own Harbor)", async () => {
    const t = apne1.outputs.replicationTarget as Record<string, any>;
    const { error } = await runProgramFailing(
      "prod-apne2",
      primaryConfig({}),
      peersFromRuns({
        "prod-apne1": {
          outputs: {
            ...apne1.outputs,
            replicationTarget: { ...t, registryUrl: "https://REGISTRY.apne2.example.com:443/" },
          },
          secretOutputNames: apne1.secretOutputNames,
        },
      }),
    );
    assert.match(
      String(error),
      /peer stack organization\/registry-platform\/prod-apne1: output replicationTarget.registryUrl is "https:\/\/REGISTRY.apne2.example.com:443\/", this stack's own registry \(registry.apne2.example.com\)/,
    );
  });

  it("two peers publishing one registryUrl fail naming both (two endpoints pushing into one Harbor)", async () => {
    const apne3 = apne3From(apne1);
    const t3 = apne3.outputs.replicationTarget as Record<string, any>;
    const { error } = await runProgramFailing(
      "prod-apne2",
      primaryConfig(twoPeers),
      peersFromRuns({
        "prod-apne1": apne1,
        "prod-apne3": {
          ...apne3,
          outputs: {
            ...apne3.outputs,
            replicationTarget: { ...t3, registryUrl: "https://registry.apne1.example.com" },
          },
        },
      }),
    );
    assert.match(
      String(error),
      /peer stack organization\/registry-platform\/prod-apne3: output replicationTarget.registryUrl is "https:\/\/registry.apne1.example.com", the registry of peer stack organization\/registry-platform\/prod-apne1 too/,
    );
  });
});
