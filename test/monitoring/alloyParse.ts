/**
 * A minimal reader for the subset of Alloy syntax the shipper config uses
 * (blocks with optional labels, attributes, strings, numbers, booleans,
 * lists, objects and dotted references), so tests check the rendered file's
 * structure instead of comparing strings.
 */
export type Parsed = string | number | boolean | { ref: string } | Parsed[] | { object: Record<string, Parsed> };

export interface ParsedBlock {
  name: string;
  label: string | undefined;
  attributes: Record<string, Parsed>;
  blocks: ParsedBlock[];
}

const TOKEN = /\s*(?:(\/\/[^\n]*)|("(?:[^"\\]|\\.)*")|([A-Za-z_][A-Za-z0-9_.]*)|(-?\d+(?:\.\d+)?)|([{}[\]=,]))/y;

function tokenize(text: string): string[] {
  const out: string[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < text.length) {
    if (/^\s*$/.test(text.slice(TOKEN.lastIndex))) break;
    const m = TOKEN.exec(text);
    if (!m) throw new Error(`alloy: cannot read at ${TOKEN.lastIndex}: ${text.slice(TOKEN.lastIndex, TOKEN.lastIndex + 20)}`);
    if (m[1] === undefined) out.push(m[2] ?? m[3] ?? m[4] ?? m[5]);
  }
  return out;
}

export function parseAlloy(text: string): ParsedBlock[] {
  const t = tokenize(text);
  let i = 0;
  const expect = (tok: string): void => {
    if (t[i] !== tok) throw new Error(`alloy: expected ${tok}, got ${t[i]}`);
    i++;
  };
  const value = (): Parsed => {
    const tok = t[i++];
    if (tok.startsWith('"')) return JSON.parse(tok) as string;
    if (tok === "true" || tok === "false") return tok === "true";
    if (/^-?\d/.test(tok)) return Number(tok);
    if (tok === "[") {
      const items: Parsed[] = [];
      while (t[i] !== "]") {
        items.push(value());
        if (t[i] === ",") i++;
      }
      i++;
      return items;
    }
    if (tok === "{") {
      const object: Record<string, Parsed> = {};
      while (t[i] !== "}") {
        const k = t[i++];
        expect("=");
        object[k] = value();
        if (t[i] === ",") i++;
      }
      i++;
      return { object };
    }
    return { ref: tok };
  };
  const body = (): ParsedBlock[] => {
    const blocks: ParsedBlock[] = [];
    while (i < t.length && t[i] !== "}") blocks.push(block());
    return blocks;
  };
  const block = (): ParsedBlock => {
    const name = t[i++];
    const label = t[i].startsWith('"') ? (JSON.parse(t[i++]) as string) : undefined;
    expect("{");
    const b: ParsedBlock = { name, label, attributes: {}, blocks: [] };
    while (t[i] !== "}") {
      if (t[i + 1] === "=") {
        const k = t[i];
        i += 2;
        b.attributes[k] = value();
      } else b.blocks.push(block());
    }
    i++;
    return b;
  };
  const top = body();
  if (i !== t.length) throw new Error(`alloy: unexpected ${t[i]}`);
  return top;
}
