// A tote tool plugin written in AssemblyScript with the Extism AS PDK.
//
// It speaks the documented JSON contract by hand (no JSON library): it reads
// one JSON document from the Extism input and writes one to the output.
//
//   register_tool  {"id": "..."}               -> {"name", "type", "plugin_version", ...}
//   load_versions  {"context": ..., "initial"} -> {"versions", "latest", "aliases"}

import { Host, Memory } from "@extism/as-pdk";
import { error_set } from "@extism/as-pdk/lib/env";

// Versions this hypothetical tool has released, newest last on purpose: the
// plugin sorts them itself.
const RELEASES: string[] = ["1.0.0", "1.1.0", "1.2.3", "2.0.0-rc.1", "0.9.1", "1.10.0"];

// abort replaces AssemblyScript's default env.abort import (see asconfig.json
// "use"), so the module imports nothing but Extism's kernel functions. It turns
// a failed assertion into an Extism error and traps.
function abort(message: string | null, fileName: string | null, line: u32, column: u32): void {
  let msg = "abort";
  if (message !== null) msg += ": " + message;
  if (fileName !== null) msg += " at " + fileName + ":" + line.toString() + ":" + column.toString();
  setError(msg);
  unreachable();
}

function setError(msg: string): void {
  const mem = Memory.allocateString(msg);
  error_set(mem.offset);
}

// output writes s as UTF-8. (Host.outputString passes the UTF-16 length, which
// is wrong for non-ASCII text.)
function output(s: string): void {
  Host.output(Uint8Array.wrap(String.UTF8.encode(s)));
}

// quote returns s as a JSON string literal.
function quote(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c == 0x22) out += '\\"';
    else if (c == 0x5c) out += "\\\\";
    else if (c == 0x0a) out += "\\n";
    else if (c == 0x0d) out += "\\r";
    else if (c == 0x09) out += "\\t";
    else if (c < 0x20) out += "\\u00" + (c < 0x10 ? "0" : "") + c.toString(16);
    else out += String.fromCharCode(c);
  }
  return out + '"';
}

// skipSpace returns the index of the first non-whitespace character at or after i.
function skipSpace(s: string, i: i32): i32 {
  while (i < s.length) {
    const c = s.charCodeAt(i);
    if (c != 0x20 && c != 0x0a && c != 0x0d && c != 0x09) break;
    i++;
  }
  return i;
}

// ParsedString is a JSON string literal read at some index.
class ParsedString {
  constructor(public value: string, public end: i32) {}
}

// readString reads the JSON string literal starting at s[i] == '"'; it
// returns null on malformed input.
function readString(s: string, i: i32): ParsedString | null {
  if (i >= s.length || s.charCodeAt(i) != 0x22) return null;
  let out = "";
  i++;
  while (i < s.length) {
    const c = s.charCodeAt(i);
    if (c == 0x22) return new ParsedString(out, i + 1);
    if (c != 0x5c) {
      out += String.fromCharCode(c);
      i++;
      continue;
    }
    if (i + 1 >= s.length) return null;
    const e = s.charCodeAt(i + 1);
    if (e == 0x6e) out += "\n";
    else if (e == 0x74) out += "\t";
    else if (e == 0x72) out += "\r";
    else if (e == 0x62) out += "\b";
    else if (e == 0x66) out += "\f";
    else if (e == 0x75) {
      if (i + 6 > s.length) return null;
      const code = I32.parseInt(s.substring(i + 2, i + 6), 16);
      out += String.fromCharCode(code);
      i += 4;
    } else out += String.fromCharCode(e);
    i += 2;
  }
  return null;
}

// topLevelString returns the string value of key in the top-level JSON object
// doc, "" when the key is absent, or null when doc is not a JSON object or the
// value is not a string. Nested values are skipped by bracket depth.
function topLevelString(doc: string, key: string): string | null {
  let i = skipSpace(doc, 0);
  if (i >= doc.length || doc.charCodeAt(i) != 0x7b) return null;
  i++;
  let depth = 0;
  while (i < doc.length) {
    i = skipSpace(doc, i);
    if (i >= doc.length) return null;
    const c = doc.charCodeAt(i);
    if (c == 0x22) {
      const k = readString(doc, i);
      if (k === null) return null;
      i = skipSpace(doc, k.end);
      const isKey = depth == 0 && i < doc.length && doc.charCodeAt(i) == 0x3a;
      if (isKey && k.value == key) {
        i = skipSpace(doc, i + 1);
        const v = readString(doc, i);
        return v === null ? null : v.value;
      }
      continue;
    }
    if (c == 0x7b || c == 0x5b) depth++;
    else if (c == 0x7d || c == 0x5d) {
      if (depth == 0) return "";
      depth--;
    }
    i++;
  }
  return null;
}

// Version is a parsed semantic version (major.minor.patch[-pre]).
class Version {
  constructor(public major: i32, public minor: i32, public patch: i32, public pre: string) {}

  static parse(s: string): Version {
    let core = s;
    let pre = "";
    const dash = s.indexOf("-");
    if (dash >= 0) {
      core = s.substring(0, dash);
      pre = s.substring(dash + 1);
    }
    const parts = core.split(".");
    assert(parts.length == 3, "bad version " + s);
    return new Version(I32.parseInt(parts[0]), I32.parseInt(parts[1]), I32.parseInt(parts[2]), pre);
  }

  compare(o: Version): i32 {
    if (this.major != o.major) return this.major < o.major ? -1 : 1;
    if (this.minor != o.minor) return this.minor < o.minor ? -1 : 1;
    if (this.patch != o.patch) return this.patch < o.patch ? -1 : 1;
    if (this.pre == o.pre) return 0;
    if (this.pre == "") return 1; // a release sorts after its pre-releases
    if (o.pre == "") return -1;
    return this.pre < o.pre ? -1 : 1;
  }
}

function compareVersions(a: string, b: string): i32 {
  return Version.parse(a).compare(Version.parse(b));
}

// register_tool: {"id": "<tool id>"} -> the tool's metadata.
export function register_tool(): i32 {
  const id = topLevelString(Host.inputString(), "id");
  if (id === null) {
    setError("register_tool: input is not a JSON object with a string \"id\"");
    return 1;
  }
  if (id.length == 0) {
    setError("register_tool: missing \"id\"");
    return 1;
  }
  output(
    "{" +
      '"name":' + quote("AS " + id) + "," +
      '"type":"command-line",' +
      '"plugin_version":"0.3.0",' +
      '"default_version":"latest",' +
      '"inventory_options":{}' +
      "}",
  );
  return 0;
}

// load_versions: {"context": ..., "initial": "<spec>"} -> every release,
// sorted ascending, the newest stable as "latest", and the aliases "stable"
// (= latest) and "next" (the newest pre-release).
export function load_versions(): i32 {
  const initial = topLevelString(Host.inputString(), "initial");
  if (initial === null) {
    setError("load_versions: input is not a JSON object with a string \"initial\"");
    return 1;
  }
  const versions = RELEASES.slice(0);
  versions.sort(compareVersions);
  let latest = "";
  let next = "";
  let list = "";
  for (let i = 0; i < versions.length; i++) {
    const v = versions[i];
    if (i > 0) list += ",";
    list += quote(v);
    if (v.indexOf("-") < 0) latest = v;
    else next = v;
  }
  output(
    "{" +
      '"versions":[' + list + "]," +
      '"latest":' + quote(latest) + "," +
      '"aliases":{"stable":' + quote(latest) + ',"next":' + quote(next) + "}" +
      "}",
  );
  return 0;
}
