/**
 * Compose variable interpolation, applied to every string value (never to
 * keys) as the Compose specification describes it: `$VAR`, `${VAR}`,
 * `${VAR:-default}`, `${VAR-default}`, `${VAR:?error}`, `${VAR?error}`,
 * `${VAR:+replacement}`, `${VAR+replacement}`, and `$$` for a literal `$`.
 * Defaults may themselves hold `${...}`.
 */

export interface InterpolationResult {
  readonly value: string;
  /** Variables used with no value and no default: Compose substitutes "" and warns. */
  readonly unset: string[];
  /** `${VAR:?message}` failures, as their messages. */
  readonly errors: string[];
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*/;

/** Index of the `}` closing the `${` whose body starts at `start`, honouring nested `${...}`. */
function closingBrace(text: string, start: number): number {
  let depth = 1;
  for (let i = start; i < text.length; i++) {
    if (text[i] === "$" && text[i + 1] === "{") {
      depth++;
      i++;
    } else if (text[i] === "}" && --depth === 0) return i;
  }
  return -1;
}

export function interpolate(text: string, env: Readonly<Record<string, string | undefined>>): InterpolationResult {
  const unset: string[] = [];
  const errors: string[] = [];
  const expand = (s: string): string => {
    let out = "";
    for (let i = 0; i < s.length; i++) {
      if (s[i] !== "$") {
        out += s[i];
        continue;
      }
      if (s[i + 1] === "$") {
        out += "$";
        i++;
        continue;
      }
      if (s[i + 1] === "{") {
        const end = closingBrace(s, i + 2);
        if (end < 0) {
          errors.push(`"\${" without a closing "}"`);
          return out + s.slice(i);
        }
        out += braced(s.slice(i + 2, end));
        i = end;
        continue;
      }
      const m = NAME.exec(s.slice(i + 1));
      if (!m) {
        out += "$";
        continue;
      }
      out += lookup(m[0]);
      i += m[0].length;
    }
    return out;
  };
  const lookup = (name: string): string => {
    const v = env[name];
    if (v === undefined) unset.push(name);
    return v ?? "";
  };
  const braced = (body: string): string => {
    const m = NAME.exec(body);
    if (!m) {
      errors.push(`"\${${body}}" is not a variable reference`);
      return "";
    }
    const name = m[0];
    const rest = body.slice(name.length);
    if (rest === "") return lookup(name);
    const op = /^(:?[-?+])/.exec(rest);
    if (!op) {
      errors.push(`"\${${body}}": unknown modifier after ${name}`);
      return "";
    }
    const arg = rest.slice(op[1].length);
    const value = env[name];
    const colon = op[1].startsWith(":");
    const missing = value === undefined || (colon && value === "");
    switch (op[1].slice(-1)) {
      case "-":
        return missing ? expand(arg) : value;
      case "+":
        return missing ? "" : expand(arg);
      default:
        if (missing) errors.push(arg === "" ? `required variable ${name} is missing a value` : `required variable ${name}: ${expand(arg)}`);
        return value ?? "";
    }
  };
  const value = expand(text);
  return { value, unset, errors };
}
