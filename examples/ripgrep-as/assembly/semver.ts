// Version ordering and string helpers with the same results as the Go
// SDK's (sdk.CompareVersions, strings.TrimSpace), so that this plugin
// sorts and parses exactly as examples/ripgrep does.

// isSpace reports whether c is white space as Go's unicode.IsSpace sees it
// (which differs from JavaScript's String.trim: U+0085 is space, U+FEFF is
// not).
export function isSpace(c: i32): bool {
  if (c <= 0xff) return c == 0x20 || (c >= 0x09 && c <= 0x0d) || c == 0x85 || c == 0xa0;
  return c == 0x1680 || (c >= 0x2000 && c <= 0x200a) || c == 0x2028 || c == 0x2029 || c == 0x202f || c == 0x205f || c == 0x3000;
}

// trimSpace is Go's strings.TrimSpace.
export function trimSpace(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && isSpace(s.charCodeAt(start))) start++;
  while (end > start && isSpace(s.charCodeAt(end - 1))) end--;
  return start == 0 && end == s.length ? s : s.substring(start, end);
}

// trimPrefix is Go's strings.TrimPrefix.
export function trimPrefix(s: string, prefix: string): string {
  return s.startsWith(prefix) ? s.substring(prefix.length) : s;
}

// compareStrings orders strings by code point, which is the byte order of
// their UTF-8 encodings (Go's strings.Compare).
export function compareStrings(a: string, b: string): i32 {
  const n = min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.codePointAt(i);
    const y = b.codePointAt(i);
    if (x != y) return x < y ? -1 : 1;
    if (x > 0xffff) i++;
  }
  if (a.length == b.length) return 0;
  return a.length < b.length ? -1 : 1;
}

function isDigit(c: i32): bool {
  return c >= 0x30 && c <= 0x39;
}

// ParsedUint is the result of parseUint; ok is false for text that is not
// a decimal uint64.
class ParsedUint {
  constructor(public value: u64, public ok: bool) {}
}

// parseUint is Go's strconv.ParseUint(s, 10, 64).
function parseUint(s: string): ParsedUint {
  if (s.length == 0) return new ParsedUint(0, false);
  let n: u64 = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (!isDigit(c)) return new ParsedUint(0, false);
    const d = <u64>(c - 0x30);
    if (n > (U64.MAX_VALUE - d) / 10) return new ParsedUint(0, false); // overflow
    n = n * 10 + d;
  }
  return new ParsedUint(n, true);
}

// validIdents checks dot-separated prerelease or build identifiers:
// non-empty, made of [0-9A-Za-z-].
function validIdents(s: string): bool {
  const ids = s.split(".");
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i];
    if (id.length == 0) return false;
    for (let k = 0; k < id.length; k++) {
      const c = id.charCodeAt(k);
      if (!(isDigit(c) || (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c == 0x2d)) return false;
    }
  }
  return true;
}

// SemVer is a parsed "[v]MAJOR[.MINOR[.PATCH]][-PRE][+BUILD]"; missing
// parts are zero.
class SemVer {
  num: u64[] = [0, 0, 0];
  pre: string[] = [];
}

// number is a version number: digits only, at most 19 of them (as the
// Go SDK reads them).
function number(s: string): ParsedUint {
  if (s.length > 19) return new ParsedUint(0, false);
  return parseUint(s);
}

// isCalendar reports whether s (without "v") is written as a date: its
// leading number of 1 to 4 digits is followed by '-' and a digit.
function isCalendar(s: string): bool {
  let i = 0;
  while (i < s.length && isDigit(s.charCodeAt(i))) i++;
  return i > 0 && i <= 4 && i + 1 < s.length && s.charCodeAt(i) == 0x2d && (isDigit(s.charCodeAt(i + 1)) || s.charCodeAt(i + 1) == 0x2a);
}

function isLetter(c: i32): bool {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a);
}

// parseCalendar reads YEAR-MONTH[-DAY][(.|_)MICRO][-PRE]: a year of 1 to 4
// digits (fewer than 4 count from 2000), a month 1-12, a day 1-31, a micro
// number (build metadata, not compared) and a prerelease starting with a
// letter; null when t is not one.
function parseCalendar(t: string): SemVer | null {
  const v = new SemVer();
  let rest = t;
  let parts = 0;
  for (let i = 0; i < 3; i++) {
    let j = 0;
    while (j < rest.length && isDigit(rest.charCodeAt(j))) j++;
    if (j == 0) return null;
    const n = number(rest.substring(0, j));
    if (!n.ok) return null;
    let value = n.value;
    if ((i == 0 && j > 4) || (i > 0 && j > 2)) return null;
    if (i == 1 && (value < 1 || value > 12)) return null;
    if (i == 2 && (value < 1 || value > 31)) return null;
    if (i == 0 && j < 4) value += 2000;
    v.num[i] = value;
    parts = i + 1;
    rest = rest.substring(j);
    // A '-' followed by a digit continues the date.
    if (i == 2 || rest.length < 2 || rest.charCodeAt(0) != 0x2d || !isDigit(rest.charCodeAt(1))) break;
    rest = rest.substring(1);
  }
  if (parts < 2) return null;
  if (rest.length > 0 && (rest.charCodeAt(0) == 0x2e || rest.charCodeAt(0) == 0x5f)) {
    let j = 1;
    while (j < rest.length && isDigit(rest.charCodeAt(j))) j++;
    if (j == 1) return null;
    rest = rest.substring(j);
  }
  if (rest.length > 0) {
    if (rest.length < 2 || rest.charCodeAt(0) != 0x2d || !isLetter(rest.charCodeAt(1)) || !validIdents(rest.substring(1))) return null;
    v.pre = rest.substring(1).split(".");
  }
  if (v.pre.length > 0 && parts != 3) return null;
  return v;
}

// parse returns the version, or null when s is not one: semver with an
// optional leading "v" or "V" and missing minor and patch numbers zero, or
// a calendar date — the Go SDK's rules (tote's api/version).
function parse(s: string): SemVer | null {
  let t = s;
  if (t.length > 1 && (t.charCodeAt(0) == 0x76 || t.charCodeAt(0) == 0x56) && isDigit(t.charCodeAt(1))) t = t.substring(1);
  if (t.length == 0) return null;
  if (isCalendar(t)) return parseCalendar(t);
  const plus = t.indexOf("+");
  if (plus >= 0) {
    const build = t.substring(plus + 1);
    if (build.length == 0 || !validIdents(build)) return null;
    t = t.substring(0, plus);
  }
  const v = new SemVer();
  const dash = t.indexOf("-");
  if (dash >= 0) {
    const pre = t.substring(dash + 1);
    if (pre.length == 0 || !validIdents(pre)) return null;
    v.pre = pre.split(".");
    t = t.substring(0, dash);
  }
  const parts = t.split(".");
  if (parts.length > 3) return null;
  for (let i = 0; i < parts.length; i++) {
    const n = number(parts[i]);
    if (!n.ok) return null;
    v.num[i] = n.value;
  }
  if (v.pre.length > 0 && parts.length != 3) return null;
  return v;
}

function compareIdent(a: string, b: string): i32 {
  const na = parseUint(a);
  const nb = parseUint(b);
  if (na.ok && nb.ok) {
    if (na.value == nb.value) return 0;
    return na.value < nb.value ? -1 : 1;
  }
  if (na.ok) return -1; // numeric identifiers sort first
  if (nb.ok) return 1;
  return compareStrings(a, b);
}

function comparePrecedence(a: SemVer, b: SemVer): i32 {
  for (let i = 0; i < 3; i++) {
    if (a.num[i] != b.num[i]) return a.num[i] < b.num[i] ? -1 : 1;
  }
  if (a.pre.length == 0 && b.pre.length == 0) return 0;
  if (a.pre.length == 0) return 1; // a release sorts after its prereleases
  if (b.pre.length == 0) return -1;
  for (let i = 0; i < a.pre.length && i < b.pre.length; i++) {
    const c = compareIdent(a.pre[i], b.pre[i]);
    if (c != 0) return c;
  }
  if (a.pre.length == b.pre.length) return 0;
  return a.pre.length < b.pre.length ? -1 : 1;
}

// compareVersions compares two versions by precedence and returns -1, 0
// or +1. Strings that are not versions are higher than all versions and
// compare lexically among themselves; versions of equal precedence compare
// lexically too, so the order is total.
export function compareVersions(a: string, b: string): i32 {
  const va = parse(trimSpace(a));
  const vb = parse(trimSpace(b));
  if (va === null && vb === null) return compareStrings(a, b);
  if (va === null) return 1;
  if (vb === null) return -1;
  const c = comparePrecedence(va, vb);
  return c != 0 ? c : compareStrings(a, b);
}
