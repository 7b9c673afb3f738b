// What a tote tool plugin needs from its host, on top of the Extism AS PDK:
// the JSON input and output of a call, errors, the injected configuration
// keys, and proto's send_request host function.

import { Config, Host, Memory } from "@extism/as-pdk";
import { error_set, length } from "@extism/as-pdk/lib/env";
import { KIND_ARRAY, KIND_NULL, KIND_NUMBER, KIND_OBJECT, KIND_STRING, Parser, Value, emptyObject, quote } from "./json";
import { trimSpace } from "./semver";

// send_request(SendRequestInput) -> SendRequestOutput, tote's (and
// proto's) host function: both are offsets of Extism memory blocks holding
// JSON; the response body is a block of its own at body_offset.
@external("extism:host/user", "send_request")
declare function send_request(input: u64): u64;

// fail sets the Extism error of the call to msg (as UTF-8) and returns the
// export's failure code.
export function fail(msg: string): i32 {
  const mem = Memory.allocateString(msg);
  error_set(mem.offset);
  return 1;
}

// output sets the call's output to s, as UTF-8. (Host.outputString of
// as-pdk 1.0.0 passes the UTF-16 length, which is wrong for non-ASCII text.)
export function output(s: string): i32 {
  Host.output(Uint8Array.wrap(String.UTF8.encode(s)));
  return 0;
}

// Input is the decoded JSON input of a call.
export class Input {
  doc: Value = emptyObject();
  err: string = "";

  // str returns the string at path (such as ["context", "version"]), ""
  // when it is absent or null; a value of another kind sets err.
  str(path: string[]): string {
    let v: Value | null = this.doc;
    for (let i = 0; i < path.length; i++) {
      if (v === null || v.kind != KIND_OBJECT) return "";
      v = v.get(path[i]);
    }
    if (v === null || v.kind == KIND_NULL) return "";
    if (v.kind != KIND_STRING) {
      if (this.err.length == 0) this.err = "decode input: " + path.join(".") + ": want a string, got " + v.kindName();
      return "";
    }
    return v.str;
  }
}

// readInput decodes the call's input; empty input is {}.
export function readInput(): Input {
  const in_ = new Input();
  const text = String.UTF8.decode(Host.input().buffer);
  if (trimSpace(text).length == 0) return in_;
  const p = new Parser(text);
  const doc = p.parse();
  if (doc === null) {
    in_.err = "decode input: " + p.err;
  } else if (doc.kind != KIND_OBJECT) {
    in_.err = "decode input: want a JSON object, got " + doc.kindName();
  } else {
    in_.doc = doc;
  }
  return in_;
}

// configString returns the injected configuration value key, "" when the
// host set none. A value may be injected bare or JSON-quoted.
export function configString(key: string): string {
  const raw = Config.get(key);
  if (raw === null) return "";
  if (raw.length >= 2 && raw.charCodeAt(0) == 0x22) {
    const v = new Parser(raw).parse();
    if (v !== null && v.kind == KIND_STRING) return v.str;
  }
  return raw;
}

// HostEnv is the part of the injected host_environment this plugin reads.
export class HostEnv {
  os: string = "";
  arch: string = "";
}

// hostEnvironment reads host_environment ({"os", "arch", "libc", "ci",
// "home_dir"}). Without it, or if it is not a JSON object, os and arch are
// "" (as in the Go SDK).
export function hostEnvironment(): HostEnv {
  const env = new HostEnv();
  const raw = Config.get("host_environment");
  if (raw === null) return env;
  const doc = new Parser(raw).parse();
  if (doc === null || doc.kind != KIND_OBJECT) return env;
  const os = doc.get("os");
  if (os !== null && os.kind == KIND_STRING) env.os = os.str;
  const arch = doc.get("arch");
  if (arch !== null && arch.kind == KIND_STRING) env.arch = arch.str;
  return env;
}

// toolID is the id of the tool the plugin serves: proto_tool_id, or
// plugin_id when the host set none.
export function toolID(): string {
  const id = configString("proto_tool_id");
  return id.length > 0 ? id : configString("plugin_id");
}

// foldKey is the form in which configuration keys are compared: lower
// case, without '-' and '_', so "dist-url", "dist_url" and "distUrl" match.
function foldKey(s: string): string {
  return s.toLowerCase().replaceAll("-", "").replaceAll("_", "");
}

// ToolConfig is proto_tool_config, the [tools.<id>] table of .prototools.
export class ToolConfig {
  doc: Value = emptyObject();
  err: string = "";

  // str returns the setting name (its snake_case form, such as
  // "dist_url"), or def when it is not set or null. The key may be
  // written in any case with '-' or '_' ("dist-url"); the exact name wins
  // over a near one. A value that is not a string sets err.
  str(name: string, def: string): string {
    let v = this.doc.get(name);
    if (v === null) {
      const want = foldKey(name);
      for (let i = 0; i < this.doc.keys.length; i++) {
        if (foldKey(this.doc.keys[i]) == want) {
          v = this.doc.values[i];
          break;
        }
      }
    }
    if (v === null || v.kind == KIND_NULL) return def;
    if (v.kind != KIND_STRING) {
      if (this.err.length == 0) this.err = this.prefix() + name + ": want a string, got " + v.kindName();
      return def;
    }
    return v.str;
  }

  prefix(): string {
    return "invalid configuration in [tools." + toolID() + "]: ";
  }
}

// toolConfig reads proto_tool_config. Empty or null is no settings; a
// document that is not a JSON object sets err.
export function toolConfig(): ToolConfig {
  const cfg = new ToolConfig();
  const raw = Config.get("proto_tool_config");
  if (raw === null) return cfg;
  const text = trimSpace(raw);
  if (text.length == 0 || text == "null") return cfg;
  const p = new Parser(text);
  const doc = p.parse();
  if (doc === null) {
    cfg.err = cfg.prefix() + "decode tool configuration: " + p.err;
  } else if (doc.kind != KIND_OBJECT) {
    cfg.err = cfg.prefix() + "decode tool configuration: want a JSON object, got " + doc.kindName();
  } else {
    cfg.doc = doc;
  }
  return cfg;
}

// Response is the answer of fetch.
export class Response {
  status: i32 = 0;
  body: string = "";
  // err is set when the host refused or failed the request.
  err: string = "";

  ok(): bool {
    return this.status >= 200 && this.status < 300;
  }
}

// takeBlock reads the Extism memory block at offset as bytes and frees it.
function takeBlock(offset: u64, len: u64): Uint8Array {
  const mem = new Memory(offset, len);
  const b = mem.toUint8Array();
  mem.free();
  return b;
}

// number returns the member key of obj as an unsigned integer, 0 when it
// is absent or not a number.
function number(obj: Value, key: string): u64 {
  const v = obj.get(key);
  if (v === null || v.kind != KIND_NUMBER) return 0;
  return U64.parseInt(v.str, 10);
}

// fetch requests url through send_request. The host applies tote's
// url-rewrites and the plugin's network allow-list; any HTTP status is a
// Response, a refusal sets err (as "fetch <url>: <reason>").
export function fetch(url: string): Response {
  const resp = new Response();
  const req = Memory.allocateString('{"url":' + quote(url) + "}");
  const off = send_request(req.offset);
  req.free();
  let text = "";
  if (off != 0) text = trimSpace(String.UTF8.decode(takeBlock(off, length(off)).buffer));
  if (text.length == 0) {
    resp.err = "fetch " + url + ": the host returned no result";
    return resp;
  }
  if (text.charCodeAt(0) != 0x7b) {
    resp.err = "fetch " + url + ": " + text; // such as "permission-denied: …"
    return resp;
  }
  const p = new Parser(text);
  const out = p.parse();
  if (out === null || out.kind != KIND_OBJECT) {
    resp.err = "fetch " + url + ": decode host result: " + (out === null ? p.err : "not a JSON object");
    return resp;
  }
  const e = out.get("error");
  if (e !== null && e.kind == KIND_STRING && e.str.length > 0) {
    resp.err = "fetch " + url + ": " + e.str;
    return resp;
  }
  resp.status = <i32>number(out, "status");
  const bodyOffset = number(out, "body_offset");
  const bodyLength = number(out, "body_length");
  if (bodyOffset != 0 && bodyLength > 0) {
    resp.body = String.UTF8.decode(takeBlock(bodyOffset, bodyLength).buffer);
    return resp;
  }
  // A host may carry the body inline instead, as a list of bytes.
  const inline = out.get("body");
  if (inline !== null && inline.kind == KIND_ARRAY && inline.items.length > 0) {
    const b = new Uint8Array(inline.items.length);
    for (let i = 0; i < inline.items.length; i++) b[i] = <u8>U32.parseInt(inline.items[i].str, 10);
    resp.body = String.UTF8.decode(b.buffer);
  }
  return resp;
}
