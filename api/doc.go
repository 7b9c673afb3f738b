// Package api is tote's plugin contract: the names of the functions a tool
// plugin exports, the JSON documents those functions take and return, the
// payloads of the host functions a plugin may import, and the configuration
// keys the host injects.
//
// The wire format is proto's tool-plugin contract (moonrepo/proto,
// proto_pdk_api): Extism ABI, one JSON document in and one out, snake_case
// field names, kebab-case unit enums and versions as strings. A plugin written
// against that contract in any Extism language is a tote plugin.
//
// This package is shared by the host, the guest SDK, the native adapters of
// the built-in plugins and the tests. It depends on the standard library only
// and holds data, never behaviour beyond JSON encoding and small helpers.
package api

// ContractVersion is the version of the plugin contract described by this
// package. The host checks a plugin's declared contract version (if any) at
// load time, much like a protocol handshake.
const ContractVersion = 1
