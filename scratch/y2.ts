import { parseDocument } from "yaml";
const deep = "config:\n  homelab:services: " + "[".repeat(2000) + "]".repeat(2000) + "\n";
const d4 = parseDocument(deep); console.log(d4.errors.slice(0,3).map(e=>e.code+" "+e.message.split("\n")[0]));
const d5 = parseDocument("\u0000\u0001binary\uFFFD\n"); console.log(d5.errors.map(e=>e.code+" "+e.message.split("\n")[0]), d5.toJS());
const d6 = parseDocument("config:\n\thomelab:x: 1\n"); console.log(d6.errors.map(e=>e.code+" "+e.message.split("\n")[0]));
const d7 = parseDocument("   \n\n"); console.log(d7.errors.length, d7.toJS(), d7.contents);
const d8 = parseDocument("config:\n  homelab:services:\n    __proto__:\n      image: x\n"); const js = d8.toJS(); console.log(JSON.stringify(js), Object.keys(js.config["homelab:services"]));
