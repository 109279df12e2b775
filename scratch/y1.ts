import { parseDocument, LineCounter } from "yaml";
const t1 = "config:\n  homelab:services:\n    api:\n      image: x\n     port: 8000\n    b:\n      image: y\n";
const lc = new LineCounter();
const d = parseDocument(t1, { lineCounter: lc, prettyErrors: true, uniqueKeys: true });
for (const e of d.errors) console.log(JSON.stringify({ code: e.code, pos: e.pos, lp: e.linePos, msg: e.message }));
const t2 = "config:\n  homelab:services:\n    api:\n      image: x\n    api:\n      image: y\n";
const d2 = parseDocument(t2, { prettyErrors: true });
for (const e of d2.errors) console.log(JSON.stringify({ code: e.code, pos: e.pos, lp: e.linePos, msg: e.message }));
// alias bomb
let b = "a: &a [x,x,x,x,x,x,x,x,x]\n"; let prev="a"; for (let i=0;i<9;i++){ b += `${"b"+i}: &${"b"+i} [*${prev},*${prev},*${prev},*${prev},*${prev},*${prev},*${prev},*${prev},*${prev}]\n`; prev="b"+i;}
const d3 = parseDocument("config:\n  x: 1\n"+b.replace(/^/gm,"  ").replace(/^  $/,""));
console.log(d3.errors.length);
try { d3.toJS(); } catch (e) { console.log("toJS", (e as Error).name, (e as Error).message); }
const deep = "config:\n  homelab:services: " + "[".repeat(2000) + "]".repeat(2000) + "\n";
try { const d4 = parseDocument(deep); console.log("deep errors", d4.errors.length); d4.toJS(); console.log("deep ok"); } catch (e) { console.log("deep", (e as Error).name, (e as Error).message); }
let deep2 = "config:\n"; for (let i=0;i<2000;i++) deep2 += " ".repeat(2*i+2) + "k" + i + ":\n";
try { const d5 = parseDocument(deep2); console.log("deep2 errors", d5.errors.length); d5.toJS(); console.log("deep2 ok"); } catch (e) { console.log("deep2", (e as Error).name, (e as Error).message); }
