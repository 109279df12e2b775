import { loadStack } from "../infra/plan/evaluate";
import { ConfigError, formatProblem } from "../infra/errors";
import * as fs from "fs";
const base = fs.readFileSync("Pulumi.homelab.yaml", "utf8");
const cases: Record<string,string> = {
  stray: base.replace("      port: 8000\n      repo: pedromiravaz/miravaz-commander", "     port: 8000\n      repo: pedromiravaz/miravaz-commander"),
  dup: base + "    commander:\n      image: nginx:1.27\n",
  plainSecure: base.replace(/secure: v1:EQJLL[^\n]+/, "secure: Hunter2Secret_plain"),
  emptySecure: base.replace(/secure: v1:EQJLL[^\n]+/, 'secure: ""'),
  imageSecure: base.replace("image: ghcr.io/pedromiravaz/miravaz-sentinel:sha-8d21b7a", "image:\n        secure: v1:EQJLL1uukf1OZ3Ql:NvbTpGAqBx9q5USLjXOZBXC1MuAvQtjKKLpc+mZMX5Y+WIbbLaqwJF9GNDkFr3RDQjzg"),
  names: base + "    \"a b\":\n      image: nginx:1.27 ; rm -rf /\n    名前:\n      image: \" \"\n    -bad:\n      image: nginx\n    " + "x".repeat(300) + ":\n      image: nginx\n    __proto__:\n      image: nginx\n",
  env: base.replace("      memory: 256m\n", "      memory: 256m\n      environment:\n        SECRET_KEY: a\n        JWT_SECRET_KEY: b\n        DB_PASS: c\n        password: d\n        GITHUB_PAT: e\n        AWS_SECRET_ACCESS_KEY_ID: f\n        DATABASE_URL: postgres://u:p@db\n        PASSWORD_POLICY: strict\n      notSecret: [PASSWORD_POLICY]\n"),
  refused: base.replace("      memory: 256m\n", "      memory: 256m\n      privileged: true\n      networkMode: host\n"),
  types: base.replace("      port: 8000\n      repo: pedromiravaz/miravaz-sentinel", "      port: eighty\n      repo: pedromiravaz/miravaz-sentinel").replace("    intervalSeconds: 300", "    intervalSeconds: [1]").replace("      cpus: 0.5\n    # Added", "      cpus: -1\n      restart: sometimes\n    # Added"),
  empty: "  \n",
  typo: base.replace("  homelab:networks:", "  homelabs:networks:"),
  bomb: "config:\n  homelab:x: &a [1,1,1,1,1,1,1,1,1,1]\n  homelab:y: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\n  homelab:z: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\n  homelab:w: [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\n",
  deep: "config:\n  homelab:services: " + "[".repeat(2000) + "]".repeat(2000) + "\n",
  deep2: "config:\n  homelab:services:\n" + Array.from({length: 200}, (_, i) => " ".repeat(2*i+4) + "k:").join("\n") + "\n",
  binary: "\u0000\u0001\u0002abc",
  missingImage: base.replace("      image: ghcr.io/pedromiravaz/miravaz-sentinel:sha-8d21b7a\n", ""),
  plainInSecretPath: base.replace(/apiToken:\n\s+secure: v1:EQJLL[^\n]+/, "apiToken: my-plain-token-123456"),
  huge: base.replace("pedro@miravaz.com", "x".repeat(1_000_000)),
};
for (const [name, text] of Object.entries(cases)) {
  try { const l = loadStack({ stack: "homelab", stackFileText: text }); console.log(`== ${name}: OK`, (l.warnings ?? []).map(formatProblem)); }
  catch (e) { if (e instanceof ConfigError) console.log(`== ${name}:\n` + e.message.slice(0, 3000)); else console.log(`== ${name}: UNEXPECTED`, e); }
}
