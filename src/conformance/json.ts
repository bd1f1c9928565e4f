/**
 * JSON text ⇄ values for conformance files, without recursion on the nesting depth and without
 * losing anything a file says:
 *
 * - a key `__proto__` is an ordinary key (read as an own property, written back);
 * - a number outside the float64 range (`1e400`) is kept as written, as an `OutOfRangeNumber`,
 *   so messages can quote it and `ssn eval` can write it back unchanged;
 * - a UTF-8 byte-order mark before the text is skipped;
 * - arrays and objects may nest to any depth (an explicit stack, not the call stack).
 *
 * Writing: typed arrays as arrays, numbers with the shortest text that reads back to the same
 * double, and the non-finite numbers as the strings "Infinity", "-Infinity" and "NaN" (JSON has
 * no literal for them; spec/conformance.md pins these strings).
 * @see spec/conformance.md#file
 */

/** A JSON number literal whose value overflows float64 (e.g. `1e400`), kept as written. */
export class OutOfRangeNumber {
  constructor(readonly text: string) {}
  /** The literal as written in the file. */
  toString(): string {
    return this.text;
  }
}

/** A JSON text that cannot be read: `where` is "line L, column C". */
export class JsonSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JsonSyntaxError';
  }
}

/** Sets `key` as an own, enumerable property, `__proto__` included. */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(target, key, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  } else {
    target[key] = value;
  }
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const WHITESPACE = /[ \t\n\r]*/y;

/** An open array or object on the parser's stack. */
type Frame =
  | { kind: 'array'; value: unknown[] }
  | { kind: 'object'; value: Record<string, unknown>; key: string };

/**
 * Parses JSON text (RFC 8259) iteratively.
 * @throws JsonSyntaxError with the line and column of the first fault
 * @example parseJson('\uFEFF{"__proto__": [1e400]}') // { __proto__: [OutOfRangeNumber('1e400')] } as an own key
 */
export function parseJson(text: string): unknown {
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const fail = (what: string): never => {
    const before = text.slice(0, i);
    const line = before.split('\n').length;
    const column = i - before.lastIndexOf('\n');
    throw new JsonSyntaxError(`line ${line}, column ${column}: ${what}`);
  };
  const skip = () => {
    WHITESPACE.lastIndex = i;
    WHITESPACE.exec(text);
    i = WHITESPACE.lastIndex;
  };
  const readString = (): string => {
    // i is at the opening quote. JSON strings are JavaScript string literals minus a few escapes;
    // find the closing quote, then let JSON.parse decode this one flat token.
    let j = i + 1;
    for (;;) {
      const c = text.charCodeAt(j);
      if (Number.isNaN(c)) return fail('unterminated string');
      if (c === 0x22) break;
      if (c === 0x5c) j++;
      else if (c < 0x20) {
        i = j;
        return fail('control character in a string');
      }
      j++;
    }
    let s: string;
    try {
      s = JSON.parse(text.slice(i, j + 1)) as string;
    } catch {
      return fail('bad escape in a string');
    }
    i = j + 1;
    return s;
  };
  /** Reads a scalar, or opens a container (pushed on the stack) and returns `OPEN`. */
  const OPEN = Symbol('open');
  const stack: Frame[] = [];
  const readValue = (): unknown => {
    skip();
    const c = text[i];
    if (c === '{') {
      i++;
      skip();
      if (text[i] === '}') {
        i++;
        return {};
      }
      stack.push({ kind: 'object', value: {}, key: readKey() });
      return OPEN;
    }
    if (c === '[') {
      i++;
      skip();
      if (text[i] === ']') {
        i++;
        return [];
      }
      stack.push({ kind: 'array', value: [] });
      return OPEN;
    }
    if (c === '"') return readString();
    if (text.startsWith('true', i)) return ((i += 4), true);
    if (text.startsWith('false', i)) return ((i += 5), false);
    if (text.startsWith('null', i)) return ((i += 4), null);
    NUMBER.lastIndex = i;
    const m = NUMBER.exec(text);
    if (m === null) return fail(c === undefined ? 'unexpected end of text' : `unexpected ${c}`);
    i = NUMBER.lastIndex;
    const x = Number(m[0]);
    return Number.isFinite(x) ? x : new OutOfRangeNumber(m[0]);
  };
  const readKey = (): string => {
    skip();
    if (text[i] !== '"') fail('expected a key in quotes');
    const key = readString();
    skip();
    if (text[i] !== ':') fail('expected :');
    i++;
    return key;
  };

  // `value` is either a finished value or OPEN (a container was just opened: read its first
  // element). A finished value goes into the innermost open container; when that container
  // closes, it becomes the finished value.
  let value = readValue();
  for (;;) {
    if (value === OPEN) {
      value = readValue();
      continue;
    }
    const top = stack.at(-1);
    if (top === undefined) break;
    if (top.kind === 'array') top.value.push(value);
    else setOwn(top.value, top.key, value);
    skip();
    const close = top.kind === 'array' ? ']' : '}';
    if (text[i] === close) {
      i++;
      value = stack.pop()!.value;
      continue;
    }
    if (text[i] !== ',') fail(`expected , or ${close}`);
    i++;
    if (top.kind === 'object') top.key = readKey();
    value = readValue();
  }
  skip();
  if (i < text.length) fail('unexpected text after the end');
  return value;
}

/** A number as a JSON value: itself when finite, else "Infinity", "-Infinity" or "NaN". */
export function jsonNumber(x: number): number | string {
  if (Number.isFinite(x)) return x;
  return Number.isNaN(x) ? 'NaN' : x > 0 ? 'Infinity' : '-Infinity';
}

/** How a number is written: shortest round-trip text, or one of the three pinned strings. */
export function numberText(x: number): string {
  if (Object.is(x, -0)) return '-0'; // JSON.stringify would drop the sign
  return JSON.stringify(jsonNumber(x));
}

/**
 * Writes a value as compact JSON text, iteratively: typed arrays as arrays, non-finite numbers as
 * "Infinity", "-Infinity", "NaN", an `OutOfRangeNumber` as written, `undefined` object entries
 * left out, own keys (`__proto__` included) in their order.
 */
export function writeJson(value: unknown): string {
  const out: string[] = [];
  // Work items: a value to write, or a literal piece of text.
  const work: ({ v: unknown } | string)[] = [{ v: value }];
  while (work.length > 0) {
    const item = work.pop()!;
    if (typeof item === 'string') {
      out.push(item);
      continue;
    }
    const v = item.v;
    if (typeof v === 'number') out.push(numberText(v));
    else if (v instanceof OutOfRangeNumber) out.push(v.text);
    else if (v === null || typeof v === 'boolean' || typeof v === 'string') {
      out.push(JSON.stringify(v));
    } else if (ArrayBuffer.isView(v) && !(v instanceof DataView)) {
      const a = v as unknown as ArrayLike<number>;
      out.push(`[${Array.from(a, (x) => numberText(Number(x))).join(',')}]`);
    } else if (Array.isArray(v)) {
      out.push('[');
      work.push(']');
      for (let k = v.length - 1; k >= 0; k--) {
        work.push({ v: v[k] === undefined ? null : v[k] });
        if (k > 0) work.push(',');
      }
    } else if (typeof v === 'object') {
      const entries = Object.keys(v).flatMap((k) => {
        const x = (v as Record<string, unknown>)[k];
        return x === undefined ? [] : [[k, x] as const];
      });
      out.push('{');
      work.push('}');
      for (let k = entries.length - 1; k >= 0; k--) {
        work.push({ v: entries[k][1] });
        work.push(`${JSON.stringify(entries[k][0])}:`);
        if (k > 0) work.push(',');
      }
    } else {
      out.push('null'); // functions, symbols, bigints do not occur in conformance values
    }
  }
  return out.join('');
}
