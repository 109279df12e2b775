/**
 * The command a user runs, as the shell sees it: `npm run plan --
 * --project-dir examples/<name> --all` exits 0 (one example, to keep the
 * suite fast; the others run in-process through the same entry point).
 * Also: every example is a project of its own with its own secrets salt,
 * and the tools that made its secrets agree with Pulumi's format.
 */
import { spawnSync } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import { parse as parseYaml } from "yaml";
import { readProject } from "../../infra/plan";
import { decryptValue, encryptValue, keyFromEncryptionSalt, newEncryptionSalt } from "../../tools/example-secrets";
import { fillSecrets } from "../../tools/fill-example-secrets";
import { PROJECT_DIR } from "../support/stacks";
import { EXAMPLES_DIR } from "./support";

jest.setTimeout(180_000);

const EXAMPLES = ["openmates", "millyweb", "phase5", "miket"];

test("npm run plan -- --project-dir examples/phase5 --all exits 0 and plans its stack", () => {
  const r = spawnSync("npm", ["run", "--silent", "plan", "--", "--project-dir", "examples/phase5", "--all"], { cwd: PROJECT_DIR, encoding: "utf8", timeout: 170_000 });
  expect(r.stderr).toBe("");
  expect(r.status).toBe(0);
  expect(r.stdout).toMatch(/^Stack homelab \(Pulumi\.homelab\.yaml, profile homelab\)/m);
  expect(r.stdout).toContain("PASS");
});

test.each(EXAMPLES)("examples/%s is a homelab project whose main is the shared program, with a README", (name) => {
  const dir = path.join(EXAMPLES_DIR, name);
  expect(readProject(dir).main).toBe("../../infra/");
  expect(fs.existsSync(path.join(dir, "README.md"))).toBe(true);
  expect(fs.readFileSync(path.join(dir, "README.md"), "utf8")).toMatch(/## What it needed/);
});

test("every example stack file has its own encryption salt", () => {
  const salts = EXAMPLES.flatMap((name) =>
    fs
      .readdirSync(path.join(EXAMPLES_DIR, name))
      .filter((f) => /^Pulumi\.[^.]+\.yaml$/.test(f))
      .map((f) => (parseYaml(fs.readFileSync(path.join(EXAMPLES_DIR, name, f), "utf8")) as { encryptionsalt: string }).encryptionsalt),
  );
  expect(salts.length).toBe(5);
  expect(new Set(salts).size).toBe(salts.length);
});

describe("tools/example-secrets", () => {
  // One salt for the block: each key derivation is a million PBKDF2 rounds.
  const salt = newEncryptionSalt("homelab-example");
  const key = keyFromEncryptionSalt("homelab-example", salt);

  it("makes a salt Pulumi's check opens: v1:<8-byte salt>:<'pulumi' under AES-256-GCM>", () => {
    const [v, s, ...check] = salt.split(":");
    expect(v).toBe("v1");
    expect(Buffer.from(s, "base64")).toHaveLength(8);
    // Opened here with Node's crypto alone, as the passphrase provider does.
    const k = crypto.pbkdf2Sync("homelab-example", Buffer.from(s, "base64"), 1_000_000, 32, "sha256");
    const [, nonce, data] = check;
    const bytes = Buffer.from(data, "base64");
    const d = crypto.createDecipheriv("aes-256-gcm", k, Buffer.from(nonce, "base64"));
    d.setAuthTag(bytes.subarray(bytes.length - 16));
    expect(Buffer.concat([d.update(bytes.subarray(0, bytes.length - 16)), d.final()]).toString()).toBe("pulumi");
  });

  it("refuses another passphrase", () => {
    expect(() => keyFromEncryptionSalt("not-it", salt)).toThrow();
  });

  it("encrypts each value with a fresh nonce and decrypts it back", () => {
    const a = encryptValue(key, "s3cret");
    const b = encryptValue(key, "s3cret");
    expect(a).not.toBe(b);
    expect(a).toMatch(/^v1:[A-Za-z0-9+/]{16}:[A-Za-z0-9+/=]+$/);
    expect(decryptValue(key, a)).toBe("s3cret");
  });

  it("fills ENC() placeholders in place and leaves the rest byte for byte", () => {
    const text = `# comment\nencryptionsalt: ${salt}\nconfig:\n  homelab:x:\n    a: { secure: ENC(one) }\n    b: plain # kept\n`;
    const out = fillSecrets(text, "homelab-example");
    const [before, after] = out.split(/secure: v1:[^ }]+/);
    expect(before + "X" + after).toBe(text.replace("secure: ENC(one)", "X"));
    const ct = /secure: (v1:[^ }]+)/.exec(out)![1];
    expect(decryptValue(key, ct)).toBe("one");
  });
});
