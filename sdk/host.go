package sdk

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"

	"github.com/tote-dev/tote/api"
)

// HostEnvironment describes the machine tote runs on: OS, architecture,
// C library, CI and the virtual home directory. It is read from the
// injected configuration key api.ConfigHostEnvironment on first use and
// cached; outside a host, or if the host injected nothing, it is the zero
// value.
func HostEnvironment() HostEnv { return current.hostEnv() }

// PluginID is the id the plugin was configured with (api.ConfigPluginID),
// such as "node"; "" outside a host.
func PluginID() string { return current.pluginID() }

// ToolID is the id of the tool the plugin serves (api.ConfigToolID); it is
// usually the same as [PluginID].
func ToolID() string { return current.toolID() }

// VirtualPaths maps each virtual mount point the plugin sees, such as
// "/proto", to the host directory behind it (api.ConfigVirtualPaths). The
// map is shared: do not modify it.
func VirtualPaths() map[string]string { return current.virtualPaths() }

// ToolConfig decodes the tool's configuration, the [tools.<id>] table of
// .prototools (api.ConfigToolConfig), over defaults, with the rules of
// [DecodeToolConfig]. Without configuration it returns defaults.
func ToolConfig[T any](defaults T) (T, error) {
	cfg, err := DecodeToolConfig([]byte(current.toolConfig()), defaults)
	if err != nil {
		id := current.toolID()
		if id == "" {
			id = current.pluginID()
		}
		return cfg, Errorf("invalid configuration in [tools.%s]: %w", id, err)
	}
	return cfg, nil
}

// DecodeToolConfig decodes the JSON object raw over defaults and returns
// the result. It is what [ToolConfig] does with the host's configuration,
// exported for tests and native code.
//
// The rules:
//   - A key missing from raw keeps its default; an empty or null raw
//     returns defaults unchanged.
//   - Unknown keys are ignored.
//   - Keys are matched to struct fields by their JSON names (the json tag,
//     or the Go field name without one), ignoring case, '-' and '_': so
//     "bundled-npm", "bundled_npm" and "bundledNpm" all set the field
//     tagged `json:"bundled_npm"`. An exact key wins over a near one. This
//     applies in nested structs too, but not to the keys of maps.
//   - Values merge the way encoding/json decodes into an existing value:
//     structs field by field, maps key by key, slices are replaced.
//
// T should be a struct. A map or pointer T works too, but the result then
// shares memory with defaults, which the decoding modifies.
func DecodeToolConfig[T any](raw []byte, defaults T) (T, error) {
	out := defaults
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return out, nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var tree any
	if err := dec.Decode(&tree); err != nil {
		return out, fmt.Errorf("decode tool configuration: %w", err)
	}
	if _, ok := tree.(map[string]any); !ok {
		return out, fmt.Errorf("decode tool configuration: want a JSON object, got %s", jsonKind(tree))
	}
	tree = normalizeKeys(tree, reflect.TypeOf(defaults))
	b, err := json.Marshal(tree)
	if err != nil {
		return out, fmt.Errorf("decode tool configuration: %w", err)
	}
	if err := json.Unmarshal(b, &out); err != nil {
		return defaults, fmt.Errorf("decode tool configuration: %w", err)
	}
	return out, nil
}

func jsonKind(v any) string {
	switch v.(type) {
	case []any:
		return "a list"
	case string:
		return "a string"
	case json.Number:
		return "a number"
	case bool:
		return "a boolean"
	}
	return "null"
}

// foldKey is the form in which configuration keys and field names are
// compared.
func foldKey(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '-' || r == '_' {
			return -1
		}
		return r
	}, strings.ToLower(s))
}

// normalizeKeys renames the keys of v that name a field of t loosely (see
// DecodeToolConfig) to the field's JSON name, recursively.
func normalizeKeys(v any, t reflect.Type) any {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == nil {
		return v
	}
	switch t.Kind() {
	case reflect.Struct:
		obj, ok := v.(map[string]any)
		if !ok {
			return v
		}
		fields := jsonFields(t)
		out := make(map[string]any, len(obj))
		for k, val := range obj {
			if _, exact := fields[k]; exact {
				out[k] = val
			}
		}
		for k, val := range obj {
			name := k
			if _, exact := fields[k]; !exact {
				for fname := range fields {
					if foldKey(fname) == foldKey(k) {
						name = fname
						break
					}
				}
				if _, taken := out[name]; taken {
					continue
				}
			}
			if ft, ok := fields[name]; ok {
				val = normalizeKeys(val, ft)
			}
			out[name] = val
		}
		return out
	case reflect.Slice, reflect.Array:
		list, ok := v.([]any)
		if !ok {
			return v
		}
		for i := range list {
			list[i] = normalizeKeys(list[i], t.Elem())
		}
		return list
	case reflect.Map:
		obj, ok := v.(map[string]any)
		if !ok {
			return v
		}
		for k := range obj {
			obj[k] = normalizeKeys(obj[k], t.Elem())
		}
		return obj
	}
	return v
}

// jsonFields lists the JSON names of t's fields as encoding/json sees them,
// including those promoted from embedded structs.
func jsonFields(t reflect.Type) map[string]reflect.Type {
	fields := map[string]reflect.Type{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		ft := f.Type
		if f.Anonymous && name == "" {
			et := ft
			if et.Kind() == reflect.Pointer {
				et = et.Elem()
			}
			if et.Kind() == reflect.Struct {
				for n, t := range jsonFields(et) {
					if _, ok := fields[n]; !ok {
						fields[n] = t
					}
				}
				continue
			}
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		fields[name] = ft
	}
	return fields
}

// decodeConfigString reads a string configuration value, which a host may
// inject bare or JSON-quoted.
func decodeConfigString(raw string) string {
	if len(raw) >= 2 && raw[0] == '"' {
		var s string
		if json.Unmarshal([]byte(raw), &s) == nil {
			return s
		}
	}
	return raw
}

func decodeHostEnvironment(raw string) HostEnv {
	var env HostEnv
	if raw != "" {
		_ = json.Unmarshal([]byte(raw), &env)
	}
	return env
}

// decodeVirtualPaths reads the virtual_paths configuration: a JSON object
// mapping virtual mount points to host directories, or proto ≥ 0.60's
// array of [host, guest] pairs. An object the other way round (host
// directory to mount point) is recognised by which side names tote's mount
// points.
func decodeVirtualPaths(raw string) map[string]string {
	m := map[string]string{}
	var pairs [][2]string
	if raw != "" && json.Unmarshal([]byte(raw), &pairs) == nil {
		for _, p := range pairs {
			if _, seen := m[p[1]]; !seen && p[1] != "" {
				m[p[1]] = p[0]
			}
		}
		return m
	}
	if raw == "" || json.Unmarshal([]byte(raw), &m) != nil {
		return map[string]string{}
	}
	keys, values := 0, 0
	for k, v := range m {
		if isMountPoint(k) {
			keys++
		}
		if isMountPoint(v) {
			values++
		}
	}
	if values <= keys {
		return m
	}
	inv := make(map[string]string, len(m))
	for k, v := range m {
		inv[v] = k
	}
	return inv
}

func isMountPoint(p string) bool {
	switch p {
	case api.VirtualProto, api.VirtualUserHome, api.VirtualCwd, api.VirtualTemp:
		return true
	}
	return false
}
