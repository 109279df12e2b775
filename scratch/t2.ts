import { loadStack } from "../infra/plan/evaluate";
import { ConfigError } from "../infra/errors";
for (const st of ["dev","homelab","prod"]) {
try { const l = loadStack({ stack: st, stackFileText: "config:\n  homelab:services:\n    api:\n      image: nginx:1.27\n" }); console.log(st, "ok", l.model.services.length); } catch (e) { console.log(st, (e as Error).message); }
}
