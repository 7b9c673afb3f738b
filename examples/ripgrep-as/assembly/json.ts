// A small JSON reader and writer: enough for the plugin contract's
// documents and the GitHub releases list, with no dependency besides
// AssemblyScript's standard library.
//
// AssemblyScript has no exceptions, so parse errors are reported through
// Parser.err instead of being thrown.

// Kinds of JSON values.
export const KIND_NULL: i32 = 0;
export const KIND_BOOL: i32 = 1;
export const KIND_NUMBER: i32 = 2;
export const KIND_STRING: i32 = 3;
export const KIND_ARRAY: i32 = 4;
export const KIND_OBJECT: i32 = 5;

// The deepest nesting accepted, so that hostile input cannot exhaust the
// stack.
const MAX_DEPTH: i32 = 256;

// Value is one parsed JSON value.
export class Value {
  kind: i32 = KIND_NULL;
  // bool is the value of a boolean.
  bool: bool = false;
  // str is the value of a string, or the literal text of a number.
  str: string = "";
  // items are the elements of an array.
  items: Value[] = [];
  // keys and values are the members of an object, in document order.
  keys: string[] = [];
  values: Value[] = [];

  // get returns the member named key of an object (the last one when the
  // key is repeated, as Go's encoding/json decodes), or null.
  get(key: string): Value | null {
    for (let i = this.keys.length - 1; i >= 0; i--) {
      if (this.keys[i] == key) return this.values[i];
    }
    return null;
  }

  // kindName names the kind for error messages: "a string", "a list", …
  kindName(): string {
    switch (this.kind) {
      case KIND_BOOL:
        return "a boolean";
      case KIND_NUMBER:
        return "a number";
      case KIND_STRING:
        return "a string";
      case KIND_ARRAY:
        return "a list";
      case KIND_OBJECT:
        return "an object";
    }
    return "null";
  }
}

// emptyObject returns the value {}.
export function emptyObject(): Value {
  const v = new Value();
  v.kind = KIND_OBJECT;
  return v;
}

// Parser reads one JSON document.
export class Parser {
  private s: string;
  private i: i32 = 0;
  // err describes the first error, "" when there was none.
  err: string = "";

  constructor(s: string) {
    this.s = s;
  }

  // parse returns the document's value, or null (and sets err) when s is
  // not exactly one JSON value surrounded by white space.
  parse(): Value | null {
    this.skipSpace();
    const v = this.value(0);
    if (v === null) return null;
    this.skipSpace();
    if (this.i < this.s.length) return this.fail("unexpected text after the JSON value");
    return v;
  }

  private fail(msg: string): Value | null {
    if (this.err.length == 0) this.err = msg + " at offset " + this.i.toString();
    return null;
  }

  private skipSpace(): void {
    const s = this.s;
    while (this.i < s.length) {
      const c = s.charCodeAt(this.i);
      if (c != 0x20 && c != 0x0a && c != 0x0d && c != 0x09) break;
      this.i++;
    }
  }

  private value(depth: i32): Value | null {
    if (depth > MAX_DEPTH) return this.fail("JSON nested too deeply");
    if (this.i >= this.s.length) return this.fail("unexpected end of JSON");
    const c = this.s.charCodeAt(this.i);
    if (c == 0x7b) return this.object(depth);
    if (c == 0x5b) return this.array(depth);
    if (c == 0x22) {
      const str = this.string();
      if (str === null) return null;
      const v = new Value();
      v.kind = KIND_STRING;
      v.str = str;
      return v;
    }
    if (c == 0x2d || (c >= 0x30 && c <= 0x39)) return this.number();
    if (this.literal("true")) {
      const v = new Value();
      v.kind = KIND_BOOL;
      v.bool = true;
      return v;
    }
    if (this.literal("false")) {
      const v = new Value();
      v.kind = KIND_BOOL;
      return v;
    }
    if (this.literal("null")) return new Value();
    return this.fail("invalid character " + quote(String.fromCharCode(c)) + " looking for a value");
  }

  private literal(word: string): bool {
    if (this.s.substr(this.i, word.length) != word) return false;
    this.i += word.length;
    return true;
  }

  private object(depth: i32): Value | null {
    const v = new Value();
    v.kind = KIND_OBJECT;
    this.i++; // {
    this.skipSpace();
    if (this.i < this.s.length && this.s.charCodeAt(this.i) == 0x7d) {
      this.i++;
      return v;
    }
    while (true) {
      this.skipSpace();
      if (this.i >= this.s.length || this.s.charCodeAt(this.i) != 0x22) return this.fail("expected a string key");
      const key = this.string();
      if (key === null) return null;
      this.skipSpace();
      if (this.i >= this.s.length || this.s.charCodeAt(this.i) != 0x3a) return this.fail("expected ':' after an object key");
      this.i++;
      this.skipSpace();
      const member = this.value(depth + 1);
      if (member === null) return null;
      v.keys.push(key);
      v.values.push(member);
      this.skipSpace();
      if (this.i >= this.s.length) return this.fail("unexpected end of JSON in an object");
      const c = this.s.charCodeAt(this.i);
      this.i++;
      if (c == 0x7d) return v;
      if (c != 0x2c) {
        this.i--;
        return this.fail("expected ',' or '}' in an object");
      }
    }
    return null; // unreachable
  }

  private array(depth: i32): Value | null {
    const v = new Value();
    v.kind = KIND_ARRAY;
    this.i++; // [
    this.skipSpace();
    if (this.i < this.s.length && this.s.charCodeAt(this.i) == 0x5d) {
      this.i++;
      return v;
    }
    while (true) {
      this.skipSpace();
      const item = this.value(depth + 1);
      if (item === null) return null;
      v.items.push(item);
      this.skipSpace();
      if (this.i >= this.s.length) return this.fail("unexpected end of JSON in a list");
      const c = this.s.charCodeAt(this.i);
      this.i++;
      if (c == 0x5d) return v;
      if (c != 0x2c) {
        this.i--;
        return this.fail("expected ',' or ']' in a list");
      }
    }
    return null; // unreachable
  }

  private digits(): i32 {
    const start = this.i;
    while (this.i < this.s.length) {
      const c = this.s.charCodeAt(this.i);
      if (c < 0x30 || c > 0x39) break;
      this.i++;
    }
    return this.i - start;
  }

  // number checks the JSON number grammar and keeps the literal text.
  private number(): Value | null {
    const start = this.i;
    const s = this.s;
    if (s.charCodeAt(this.i) == 0x2d) this.i++;
    if (this.i < s.length && s.charCodeAt(this.i) == 0x30) {
      this.i++;
    } else if (this.digits() == 0) {
      return this.fail("invalid number");
    }
    if (this.i < s.length && s.charCodeAt(this.i) == 0x2e) {
      this.i++;
      if (this.digits() == 0) return this.fail("invalid number");
    }
    if (this.i < s.length && (s.charCodeAt(this.i) | 0x20) == 0x65) {
      this.i++;
      if (this.i < s.length && (s.charCodeAt(this.i) == 0x2b || s.charCodeAt(this.i) == 0x2d)) this.i++;
      if (this.digits() == 0) return this.fail("invalid number");
    }
    const v = new Value();
    v.kind = KIND_NUMBER;
    v.str = s.substring(start, this.i);
    return v;
  }

  // string reads the string literal at s[i] == '"'. Runs of plain text are
  // copied with substring, not one character at a time.
  private string(): string | null {
    const s = this.s;
    this.i++; // "
    const parts: string[] = [];
    let run = this.i;
    while (this.i < s.length) {
      const c = s.charCodeAt(this.i);
      if (c == 0x22) {
        parts.push(s.substring(run, this.i));
        this.i++;
        return parts.length == 1 ? parts[0] : parts.join("");
      }
      if (c < 0x20) {
        this.fail("control character in a string");
        return null;
      }
      if (c != 0x5c) {
        this.i++;
        continue;
      }
      parts.push(s.substring(run, this.i));
      if (this.i + 1 >= s.length) break;
      const e = s.charCodeAt(this.i + 1);
      this.i += 2;
      if (e == 0x22) parts.push('"');
      else if (e == 0x5c) parts.push("\\");
      else if (e == 0x2f) parts.push("/");
      else if (e == 0x62) parts.push("\b");
      else if (e == 0x66) parts.push("\f");
      else if (e == 0x6e) parts.push("\n");
      else if (e == 0x72) parts.push("\r");
      else if (e == 0x74) parts.push("\t");
      else if (e == 0x75) {
        let code: i32 = 0;
        for (let k = 0; k < 4; k++) {
          const h = this.i < s.length ? hexDigit(s.charCodeAt(this.i)) : -1;
          if (h < 0) {
            this.fail("invalid \\u escape");
            return null;
          }
          code = (code << 4) | h;
          this.i++;
        }
        parts.push(String.fromCharCode(code));
      } else {
        this.i -= 1;
        this.fail("invalid escape");
        return null;
      }
      run = this.i;
    }
    this.fail("unterminated string");
    return null;
  }
}

function hexDigit(c: i32): i32 {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  if (c >= 0x41 && c <= 0x46) return c - 0x41 + 10;
  return -1;
}

const HEX = "0123456789abcdef";

// quote returns s as a JSON string literal.
export function quote(s: string): string {
  const parts: string[] = ['"'];
  let run = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x20 && c != 0x22 && c != 0x5c) continue;
    parts.push(s.substring(run, i));
    if (c == 0x22) parts.push('\\"');
    else if (c == 0x5c) parts.push("\\\\");
    else if (c == 0x0a) parts.push("\\n");
    else if (c == 0x0d) parts.push("\\r");
    else if (c == 0x09) parts.push("\\t");
    else parts.push("\\u00" + HEX.charAt(c >> 4) + HEX.charAt(c & 15));
    run = i + 1;
  }
  parts.push(s.substring(run));
  parts.push('"');
  return parts.join("");
}

// ObjectWriter builds a JSON object member by member.
export class ObjectWriter {
  private parts: string[] = [];

  // raw adds a member whose value is already JSON text.
  raw(key: string, json: string): ObjectWriter {
    this.parts.push(quote(key) + ":" + json);
    return this;
  }

  // str adds a string member.
  str(key: string, value: string): ObjectWriter {
    return this.raw(key, quote(value));
  }

  // strOmitEmpty adds a string member unless value is "" (Go's omitempty).
  strOmitEmpty(key: string, value: string): ObjectWriter {
    if (value.length > 0) this.raw(key, quote(value));
    return this;
  }

  // strings adds a list of strings.
  strings(key: string, values: string[]): ObjectWriter {
    const q = new Array<string>(values.length);
    for (let i = 0; i < values.length; i++) q[i] = quote(values[i]);
    return this.raw(key, "[" + q.join(",") + "]");
  }

  toString(): string {
    return "{" + this.parts.join(",") + "}";
  }
}
