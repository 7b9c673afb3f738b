// A tote tool plugin for ripgrep (rg), installed from its GitHub releases,
// written in AssemblyScript with the Extism AS PDK. It is the twin of the Go
// example in examples/ripgrep and answers every call the same way; the
// tests beside it (plugin_test.go) prove it.
//
// Every export reads one JSON document and writes one (the plugin contract,
// see docs/plugins/reference.md):
//
//   register_tool         {"id"}                  -> {"name", "type", "plugin_version", …}
//   load_versions         {"context", "initial"}  -> {"versions", "latest"}
//   download_prebuilt     {"context", …}          -> {"download_url", "archive_prefix", "checksum_url"}
//   locate_executables    {"context", …}          -> {"exes": {"rg": {"exe_path", "primary"}}}
//   detect_version_files  {"context"}             -> {"files": [".ripgrep-version"]}
//   parse_version_file    {"file", "content", …}  -> {"version"}
//
// Settings, all optional ([tools.ripgrep] in .prototools):
//
//   dist-url  where release assets are downloaded from
//             (default https://github.com/BurntSushi/ripgrep/releases/download)
//   api-url   the GitHub API the release list is read from (default https://api.github.com)

import { KIND_ARRAY, KIND_BOOL, KIND_NULL, KIND_OBJECT, KIND_STRING, ObjectWriter, Parser, Value } from "./json";
import { Input, fail, fetch, hostEnvironment, output, readInput, toolConfig } from "./host";
import { compareVersions, trimPrefix, trimSpace } from "./semver";

const DEFAULT_DIST_URL = "https://github.com/BurntSushi/ripgrep/releases/download";
const DEFAULT_API_URL = "https://api.github.com";

// VERSION_FILE is the file a project pins ripgrep's version in.
const VERSION_FILE = ".ripgrep-version";

// Settings are the plugin's settings: [tools.ripgrep] over the defaults.
class Settings {
  distURL: string = DEFAULT_DIST_URL;
  apiURL: string = DEFAULT_API_URL;
  err: string = "";
}

// settings reads both settings, so that a bad value fails every call that
// reads the configuration, as in the Go example.
function settings(): Settings {
  const s = new Settings();
  const cfg = toolConfig();
  s.apiURL = cfg.str("api_url", DEFAULT_API_URL);
  s.distURL = cfg.str("dist_url", DEFAULT_DIST_URL);
  s.err = cfg.err;
  return s;
}

// abort replaces AssemblyScript's default env.abort import (see
// asconfig.json "use"), so that the module imports nothing but Extism's
// kernel and tote's host functions. A failed assertion becomes the call's
// error.
function abort(message: string | null, fileName: string | null, line: u32, column: u32): void {
  let msg = "abort";
  if (message !== null) msg += ": " + message;
  if (fileName !== null) msg += " at " + fileName + ":" + line.toString() + ":" + column.toString();
  fail(msg);
  unreachable();
}

// register_tool describes ripgrep.
export function register_tool(): i32 {
  const input = readInput();
  if (input.err.length > 0) return fail(input.err);
  return output(
    new ObjectWriter()
      .str("name", "ripgrep")
      .str("type", "command-line")
      .str("plugin_version", "0.1.0")
      .raw("inventory_options", "{}")
      .toString(),
  );
}

// load_versions lists ripgrep's releases from the GitHub API. ripgrep's
// tags have no "v" prefix ("14.1.1"); drafts are skipped, and the newest
// release that is not a prerelease is "latest".
export function load_versions(): i32 {
  const input = readInput();
  if (input.err.length > 0) return fail(input.err);
  const cfg = settings();
  if (cfg.err.length > 0) return fail(cfg.err);

  const url = cfg.apiURL + "/repos/BurntSushi/ripgrep/releases?per_page=100";
  const resp = fetch(url);
  if (resp.err.length > 0) return fail(resp.err);
  if (!resp.ok()) return fail("fetch " + url + ": HTTP status " + resp.status.toString());
  const p = new Parser(resp.body);
  const doc = p.parse();
  if (doc === null) return fail("fetch " + url + ": decode JSON: " + p.err);

  const versions: string[] = [];
  let latest = "";
  if (doc.kind != KIND_NULL) {
    if (doc.kind != KIND_ARRAY) return fail("fetch " + url + ": decode JSON: want a list of releases, got " + doc.kindName());
    for (let i = 0; i < doc.items.length; i++) {
      const r = doc.items[i];
      if (r.kind == KIND_NULL) continue;
      if (r.kind != KIND_OBJECT) return fail("fetch " + url + ": decode JSON: release " + i.toString() + ": want an object, got " + r.kindName());
      const tag = member(r, "tag_name", KIND_STRING);
      const draft = member(r, "draft", KIND_BOOL);
      const prerelease = member(r, "prerelease", KIND_BOOL);
      if (tag.err.length > 0 || draft.err.length > 0 || prerelease.err.length > 0) {
        return fail("fetch " + url + ": decode JSON: release " + i.toString() + ": " + tag.err + draft.err + prerelease.err);
      }
      if (draft.bool || tag.str.length == 0) continue;
      const v = trimPrefix(tag.str, "v");
      versions.push(v);
      if (!prerelease.bool && (latest.length == 0 || compareVersions(v, latest) > 0)) latest = v;
    }
  }
  if (versions.length == 0) return fail("no ripgrep releases found");
  versions.sort(compareVersions);
  return output(new ObjectWriter().strings("versions", versions).strOmitEmpty("latest", latest).toString());
}

// Member is one field of a release: its value, or err when it has the
// wrong kind.
class Member {
  str: string = "";
  bool: bool = false;
  err: string = "";
}

// member reads obj[key], which must be of kind (a string or a boolean) or
// null; absent and null give the zero value.
function member(obj: Value, key: string, kind: i32): Member {
  const m = new Member();
  const v = obj.get(key);
  if (v === null || v.kind == KIND_NULL) return m;
  if (v.kind != kind) {
    m.err = key + ": want " + (kind == KIND_STRING ? "a string" : "a boolean") + ", got " + v.kindName();
    return m;
  }
  m.str = v.str;
  m.bool = v.bool;
  return m;
}

// target returns the Rust target triple in the name of ripgrep's release
// asset for a platform, or "" when ripgrep publishes no binary for it.
// Linux x64 builds are static (musl).
function target(os: string, arch: string): string {
  if (os == "linux") {
    if (arch == "x64") return "x86_64-unknown-linux-musl";
    if (arch == "arm64") return "aarch64-unknown-linux-gnu";
    if (arch == "x86") return "i686-unknown-linux-gnu";
    if (arch == "arm") return "armv7-unknown-linux-gnueabihf";
  } else if (os == "macos") {
    if (arch == "x64") return "x86_64-apple-darwin";
    if (arch == "arm64") return "aarch64-apple-darwin";
  } else if (os == "windows") {
    if (arch == "x64") return "x86_64-pc-windows-msvc";
    if (arch == "x86") return "i686-pc-windows-msvc";
  }
  return "";
}

// download_prebuilt points at the release asset for this machine, such as
// ripgrep-14.1.1-x86_64-unknown-linux-musl.tar.gz, whose files are inside
// the directory ripgrep-14.1.1-x86_64-unknown-linux-musl/, and at its
// .sha256 file.
export function download_prebuilt(): i32 {
  const input = readInput();
  const version = input.str(["context", "version"]);
  if (input.err.length > 0) return fail(input.err);
  const cfg = settings();
  if (cfg.err.length > 0) return fail(cfg.err);
  let distURL = cfg.distURL;

  const env = hostEnvironment();
  const triple = target(env.os, env.arch);
  if (triple.length == 0) return fail("ripgrep publishes no binary for " + env.os + "/" + env.arch);
  const dir = "ripgrep-" + version + "-" + triple;
  const file = dir + (env.os == "windows" ? ".zip" : ".tar.gz");
  if (distURL.endsWith("/")) distURL = distURL.substring(0, distURL.length - 1);
  const base = distURL + "/" + version + "/";
  return output(
    new ObjectWriter()
      .str("download_url", base + file)
      .str("archive_prefix", dir)
      .str("checksum_url", base + file + ".sha256")
      .toString(),
  );
}

// locate_executables says where rg is once the archive prefix is stripped.
export function locate_executables(): i32 {
  const input = readInput();
  if (input.err.length > 0) return fail(input.err);
  const exe = hostEnvironment().os == "windows" ? "rg.exe" : "rg";
  const rg = new ObjectWriter().str("exe_path", exe).raw("primary", "true");
  return output(new ObjectWriter().raw("exes", new ObjectWriter().raw("rg", rg.toString()).toString()).toString());
}

// detect_version_files names the file a project pins ripgrep in.
export function detect_version_files(): i32 {
  const input = readInput();
  if (input.err.length > 0) return fail(input.err);
  return output(new ObjectWriter().strings("files", [VERSION_FILE]).toString());
}

// parse_version_file reads .ripgrep-version: the first line that is not
// empty or a # comment, with an optional "ripgrep " or "v" prefix.
export function parse_version_file(): i32 {
  const input: Input = readInput();
  const content = input.str(["content"]);
  if (input.err.length > 0) return fail(input.err);
  const lines = content.split("\n");
  for (let i = 0; i < lines.length; i++) {
    let line = trimSpace(lines[i]);
    if (line.length == 0 || line.startsWith("#")) continue;
    line = trimSpace(trimPrefix(line, "ripgrep "));
    return output(new ObjectWriter().strOmitEmpty("version", trimPrefix(line, "v")).toString());
  }
  return output("{}");
}
