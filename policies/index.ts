// Must load before the server handles a request: it lets rules see which inputs were secrets.
import "./lib/secrets";
import { PolicyPack } from "@pulumi/policy";
import { PACK_NAME, policies } from "./policies";

new PolicyPack(PACK_NAME, {
    description: "Security and operability guardrails for the homelab's Docker containers, Cloudflare tunnel and GitHub secrets.",
    // Rules not named in a stack's policy config stay advisory unless their file says otherwise.
    enforcementLevel: "advisory",
    policies,
});
