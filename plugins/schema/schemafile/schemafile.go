// Package schemafile reads a schema plugin file (proto's "non-WASM" plugin
// format) written in TOML (kebab-case keys), JSON or YAML (camelCase keys,
// kebab-case accepted too), validates it, and returns the canonical JSON
// that the schema plugin's core reads from its injected config. It runs in
// the host only: the core never parses TOML or YAML.
package schemafile

import (
	"bytes"
	"encoding/json"
	"fmt"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"unicode"

	toml "github.com/pelletier/go-toml/v2"
	"github.com/pelletier/go-toml/v2/unstable"
	"gopkg.in/yaml.v3"

	"github.com/tote-dev/tote/api"
	"github.com/tote-dev/tote/plugins/schema"
)

// Extensions are the file extensions of schema plugins.
var Extensions = []string{".toml", ".json", ".jsonc", ".yaml", ".yml"}

// IsSchemaFile reports whether name (a path or URL path) names a schema
// plugin file by its extension.
func IsSchemaFile(name string) bool {
	ext := strings.ToLower(filepath.Ext(name))
	for _, e := range Extensions {
		if ext == e {
			return true
		}
	}
	return false
}

// Error is a problem in a schema file: the file, the key (dotted, in the
// canonical kebab-case spelling) and what is wrong.
type Error struct {
	// File is the file's name or path as given to Parse.
	File string
	// Key is the dotted key path, "" for the whole document.
	Key string
	// Msg says what is wrong.
	Msg string
}

// Error returns "file: key: msg".
func (e *Error) Error() string {
	if e.Key == "" {
		return fmt.Sprintf("%s: %s", e.File, e.Msg)
	}
	return fmt.Sprintf("%s: %s: %s", e.File, e.Key, e.Msg)
}

// Result is a parsed schema file.
type Result struct {
	// Schema is the validated schema.
	Schema *schema.Schema
	// JSON is its canonical JSON, injected as api.ConfigSchema.
	JSON []byte
	// Warnings name keys that were ignored (unknown to the format).
	Warnings []string
}

// Parse reads a schema file. The format comes from name's extension
// (.toml, .json, .yaml, .yml).
func Parse(name string, data []byte) (*Result, error) {
	var raw map[string]any
	var err error
	switch strings.ToLower(filepath.Ext(name)) {
	case ".toml":
		err = toml.Unmarshal(data, &raw)
	case ".json", ".jsonc":
		// proto reads .jsonc (and .json) with comments and trailing commas.
		dec := json.NewDecoder(bytes.NewReader(stripJSONC(data)))
		dec.UseNumber()
		err = dec.Decode(&raw)
	case ".yaml", ".yml":
		err = yaml.Unmarshal(data, &raw)
	default:
		return nil, &Error{File: name, Msg: fmt.Sprintf("not a schema plugin file: want one of %s", strings.Join(Extensions, ", "))}
	}
	if err != nil {
		return nil, &Error{File: name, Msg: "cannot parse: " + err.Error()}
	}
	if raw == nil {
		return nil, &Error{File: name, Msg: "the file is empty"}
	}
	c := &converter{file: name}
	if strings.EqualFold(filepath.Ext(name), ".toml") {
		c.order = tomlKeyOrder(data)
	}
	canon, err := c.table("", raw, rootSpec)
	if err != nil {
		return nil, err
	}
	b, err := json.Marshal(canon)
	if err != nil {
		return nil, &Error{File: name, Msg: err.Error()}
	}
	var s schema.Schema
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&s); err != nil {
		return nil, &Error{File: name, Msg: "internal: " + err.Error()}
	}
	if err := validate(name, &s); err != nil {
		return nil, err
	}
	out, err := json.Marshal(&s)
	if err != nil {
		return nil, &Error{File: name, Msg: err.Error()}
	}
	sort.Strings(c.warnings)
	return &Result{Schema: &s, JSON: out, Warnings: c.warnings}, nil
}

// stripJSONC blanks // and /* */ comments and drops trailing commas before
// a closing bracket or brace, outside strings, keeping every line in place
// so that decoding errors still point at the right spot.
func stripJSONC(data []byte) []byte {
	out := make([]byte, 0, len(data))
	inString, escaped := false, false
	for i := 0; i < len(data); i++ {
		c := data[i]
		if inString {
			out = append(out, c)
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
			continue
		}
		switch {
		case c == '"':
			inString = true
			out = append(out, c)
		case c == '/' && i+1 < len(data) && data[i+1] == '/':
			for i < len(data) && data[i] != '\n' {
				i++
			}
			if i < len(data) {
				out = append(out, '\n')
			}
		case c == '/' && i+1 < len(data) && data[i+1] == '*':
			i += 2
			for i < len(data) && !(data[i] == '*' && i+1 < len(data) && data[i+1] == '/') {
				if data[i] == '\n' {
					out = append(out, '\n')
				}
				i++
			}
			i++ // the '/'
		case c == ']' || c == '}':
			// Drop a trailing comma (and the blanks after it).
			j := len(out) - 1
			for j >= 0 && (out[j] == ' ' || out[j] == '\t' || out[j] == '\n' || out[j] == '\r') {
				j--
			}
			if j >= 0 && out[j] == ',' {
				out = append(out[:j], out[j+1:]...)
			}
			out = append(out, c)
		default:
			out = append(out, c)
		}
	}
	return out
}

// validate checks what the types cannot: required keys, known values,
// regular expressions.
func validate(file string, s *schema.Schema) error {
	errf := func(key, format string, args ...any) error {
		return &Error{File: file, Key: key, Msg: fmt.Sprintf(format, args...)}
	}
	switch s.Type {
	case "", "language", "dependency-manager", "command-line", "version-manager":
	case "cli":
		s.Type = "command-line"
	case "package-manager":
		s.Type = "dependency-manager"
	default:
		return errf("type", "%q is not one of language, dependency-manager, package-manager, cli, command-line, version-manager", s.Type)
	}
	if s.Type == "" {
		s.Type = "language"
	}
	// install.download-url may be missing (proto defaults it to ""):
	// download_prebuilt then says so, for the version asked.
	if len(s.Platform) == 0 {
		return errf("platform", "is required: add a [platform.<os>] table with download-file for at least one OS")
	}
	oses := make([]string, 0, len(s.Platform))
	for os := range s.Platform {
		oses = append(oses, os)
	}
	sort.Strings(oses) // the first bad one is named, the same every run
	for _, os := range oses {
		p := s.Platform[os]
		if !knownOS(os) {
			return errf("platform."+os, "unknown operating system %q (want linux, macos, windows, freebsd, netbsd, openbsd, …)", os)
		}
		if strings.TrimSpace(p.DownloadFile) == "" {
			return errf("platform."+os+".download-file", "is required")
		}
	}
	primaries := 0
	for _, e := range s.Install.Exes {
		if e.Primary {
			primaries++
		}
	}
	if primaries > 1 {
		return errf("install.exes", "%d executables are marked primary; there can be only one", primaries)
	}
	for _, kp := range [][2]string{{"resolve.git-tag-pattern", s.Resolve.GitTagPattern}, {"resolve.version-pattern", s.Resolve.VersionPattern}} {
		key, pat := kp[0], kp[1]
		if pat == "" {
			continue
		}
		if _, err := regexp.Compile(pat); err != nil {
			return errf(key, "invalid regular expression %q: %v", pat, err)
		}
	}
	if s.Resolve.GitURL != "" {
		if err := schema.CheckGitURL(s.Resolve.GitURL); err != nil {
			return errf("resolve.git-url", "%v", strings.TrimPrefix(err.Error(), "resolve.git-url "))
		}
	}
	if s.Resolve.GitURL != "" && s.Resolve.ManifestURL != "" {
		return errf("resolve", "give git-url or manifest-url, not both")
	}
	if s.Resolve.GitURL == "" && s.Resolve.ManifestURL == "" && len(s.Resolve.Versions) == 0 {
		return errf("resolve", "is required: give git-url, manifest-url or versions")
	}
	return nil
}

func knownOS(os string) bool {
	switch api.HostOS(os) {
	case api.OSLinux, api.OSMacOS, api.OSWindows, api.OSFreeBSD, api.OSNetBSD, api.OSOpenBSD,
		api.OSAndroid, api.OSIOS, api.OSDragonfly, api.OSSolaris:
		return true
	}
	return false
}

// kind is the shape of a value in the format.
type kind int

const (
	kString    kind = iota
	kBool           // true / false
	kStrings        // list of strings
	kStringMap      // user keys → string
	kTable          // fixed keys (spec)
	kTableMap       // user keys → kTable (spec)
	kArchMap        // architecture → string
	kLibcMap        // libc → string
	kArchList       // list of architectures
	kIgnored        // accepted and dropped
)

type field struct {
	kind kind
	spec map[string]field
}

var executableSpec = map[string]field{
	"exe-path":         {kind: kString},
	"exe-link-path":    {kind: kString},
	"no-bin":           {kind: kBool},
	"no-shim":          {kind: kBool},
	"parent-exe-args":  {kind: kStrings},
	"parent-exe-name":  {kind: kString},
	"primary":          {kind: kBool},
	"shim-before-args": {kind: kStrings},
	"shim-after-args":  {kind: kStrings},
	"shim-env-vars":    {kind: kStringMap},
}

var rootSpec = map[string]field{
	"name":         {kind: kString},
	"type":         {kind: kString},
	"deprecations": {kind: kStrings},
	"plugin":       {kind: kIgnored},
	"metadata": {kind: kTable, spec: map[string]field{
		"default-version":       {kind: kString},
		"plugin-version":        {kind: kString},
		"requires":              {kind: kStrings},
		"self-upgrade-commands": {kind: kStrings},
	}},
	"platform": {kind: kTableMap, spec: map[string]field{
		"arch":           {kind: kArchMap},
		"archs":          {kind: kArchList},
		"archive-prefix": {kind: kString},
		"checksum-file":  {kind: kString},
		"download-file":  {kind: kString},
		"exes-dir":       {kind: kString},
		"exes-dirs":      {kind: kStrings},
		"exe-path":       {kind: kString},
		"bin-path":       {kind: kString},
		"libc":           {kind: kLibcMap},
	}},
	"install": {kind: kTable, spec: map[string]field{
		"arch":                {kind: kArchMap},
		"libc":                {kind: kLibcMap},
		"checksum-public-key": {kind: kString},
		"checksum-url":        {kind: kString},
		"checksum-url-canary": {kind: kString},
		"download-url":        {kind: kString},
		"download-url-canary": {kind: kString},
		"exes":                {kind: kTableMap, spec: executableSpec},
		"primary":             {kind: kTable, spec: executableSpec},
		"secondary":           {kind: kTableMap, spec: executableSpec},
		"no-bin":              {kind: kBool},
		"no-shim":             {kind: kBool},
		// proto's format has no unpack setting; third-party plugins write
		// one anyway (proto ignores it, and so does tote).
		"unpack": {kind: kIgnored},
	}},
	"packages": {kind: kTable, spec: map[string]field{
		"globals-lookup-dirs": {kind: kStrings},
		"globals-prefix":      {kind: kString},
	}},
	"resolve": {kind: kTable, spec: map[string]field{
		"aliases":              {kind: kStringMap},
		"versions":             {kind: kStrings},
		"version-pattern":      {kind: kString},
		"manifest-url":         {kind: kString},
		"manifest-version-key": {kind: kString},
		"git-url":              {kind: kString},
		"git-tag-pattern":      {kind: kString},
	}},
	"detect": {kind: kTable, spec: map[string]field{
		"version-files": {kind: kStrings},
		"ignore":        {kind: kStrings},
	}},
}

type converter struct {
	file     string
	warnings []string
	// order is the document position of each dotted key (TOML files);
	// keys of user maps are read in that order, so that a later spelling
	// of the same architecture wins, as in proto.
	order map[string]int
}

func (c *converter) errf(key, format string, args ...any) error {
	return &Error{File: c.file, Key: key, Msg: fmt.Sprintf(format, args...)}
}

func join(at, k string) string {
	if at == "" {
		return k
	}
	return at + "." + k
}

// kebab turns camelCase or snake_case into kebab-case.
func kebab(k string) string {
	var b strings.Builder
	for i, r := range k {
		switch {
		case r == '_':
			b.WriteByte('-')
		case unicode.IsUpper(r):
			if i > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(unicode.ToLower(r))
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func typeName(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "a string"
	case bool:
		return "a boolean"
	case int, int64, uint64, float64, json.Number:
		return "a number"
	case []any:
		return "a list"
	case map[string]any:
		return "a table"
	}
	return fmt.Sprintf("%T", v)
}

func (c *converter) table(at string, v any, spec map[string]field) (map[string]any, error) {
	m, ok := v.(map[string]any)
	if !ok {
		return nil, c.errf(at, "must be a table, not %s", typeName(v))
	}
	out := map[string]any{}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		ck := kebab(k)
		f, ok := spec[ck]
		if !ok {
			c.warnings = append(c.warnings, fmt.Sprintf("%s: unknown key %s (ignored)", c.file, join(at, k)))
			continue
		}
		if _, dup := out[ck]; dup {
			return nil, c.errf(join(at, ck), "given twice (as %q and another spelling)", k)
		}
		val, err := c.value(join(at, ck), m[k], f)
		if err != nil {
			return nil, err
		}
		if val != nil {
			out[ck] = val
		}
	}
	return out, nil
}

func (c *converter) value(at string, v any, f field) (any, error) {
	switch f.kind {
	case kIgnored:
		return nil, nil
	case kString:
		s, ok := v.(string)
		if !ok {
			return nil, c.errf(at, "must be a string, not %s", typeName(v))
		}
		return s, nil
	case kBool:
		b, ok := v.(bool)
		if !ok {
			return nil, c.errf(at, "must be true or false, not %s", typeName(v))
		}
		return b, nil
	case kStrings, kArchList:
		list, ok := v.([]any)
		if !ok {
			return nil, c.errf(at, "must be a list of strings, not %s", typeName(v))
		}
		out := make([]string, 0, len(list))
		for i, e := range list {
			s, ok := e.(string)
			if !ok {
				return nil, c.errf(fmt.Sprintf("%s[%d]", at, i), "must be a string, not %s", typeName(e))
			}
			if f.kind == kArchList {
				a, ok := schema.ArchKey(s)
				if !ok {
					return nil, c.errf(fmt.Sprintf("%s[%d]", at, i), "unknown architecture %q", s)
				}
				s = string(a)
			}
			out = append(out, s)
		}
		return out, nil
	case kStringMap, kArchMap, kLibcMap:
		m, ok := v.(map[string]any)
		if !ok {
			return nil, c.errf(at, "must be a table of strings, not %s", typeName(v))
		}
		out := map[string]string{}
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		if c.order != nil {
			sort.SliceStable(keys, func(i, j int) bool {
				oi, iok := c.order[join(at, keys[i])]
				oj, jok := c.order[join(at, keys[j])]
				return iok && jok && oi < oj
			})
		}
		for _, k := range keys {
			s, ok := m[k].(string)
			if !ok {
				return nil, c.errf(join(at, k), "must be a string, not %s", typeName(m[k]))
			}
			key := k
			switch f.kind {
			case kArchMap:
				a, ok := schema.ArchKey(k)
				if !ok {
					return nil, c.errf(join(at, k), "unknown architecture %q (use Rust's names, such as x86_64 or aarch64)", k)
				}
				key = string(a)
			case kLibcMap:
				if k != string(api.LibcGnu) && k != string(api.LibcMusl) {
					return nil, c.errf(join(at, k), "unknown libc %q (want gnu or musl)", k)
				}
			}
			if prev, dup := out[key]; dup && prev != s {
				// proto reads the map in document order: the later
				// spelling wins. Say so, as it is rarely meant.
				c.warnings = append(c.warnings, fmt.Sprintf("%s: %s maps %s to %q, replacing %q from another spelling of it", c.file, join(at, k), key, s, prev))
			}
			out[key] = s
		}
		return out, nil
	case kTable:
		return c.table(at, v, f.spec)
	case kTableMap:
		m, ok := v.(map[string]any)
		if !ok {
			return nil, c.errf(at, "must be a table, not %s", typeName(v))
		}
		out := map[string]any{}
		for k, sub := range m {
			t, err := c.table(join(at, k), sub, f.spec)
			if err != nil {
				return nil, err
			}
			out[k] = t
		}
		return out, nil
	}
	return nil, c.errf(at, "internal: unknown kind")
}

// tomlKeyOrder returns the document position of every dotted key path of a
// TOML document (table headers and keys), for reading maps in order.
func tomlKeyOrder(data []byte) map[string]int {
	order := map[string]int{}
	var p unstable.Parser
	p.Reset(data)
	var table []string
	n := 0
	keyOf := func(it unstable.Iterator) []string {
		var parts []string
		for it.Next() {
			parts = append(parts, string(it.Node().Data))
		}
		return parts
	}
	for p.NextExpression() {
		e := p.Expression()
		switch e.Kind {
		case unstable.Table, unstable.ArrayTable:
			table = keyOf(e.Key())
		case unstable.KeyValue:
			full := append(append([]string(nil), table...), keyOf(e.Key())...)
			n++
			order[strings.Join(full, ".")] = n
			if v := e.Value(); v != nil && v.Kind == unstable.InlineTable {
				it := v.Children()
				for it.Next() {
					kv := it.Node()
					if kv.Kind == unstable.KeyValue {
						n++
						order[strings.Join(append(append([]string(nil), full...), keyOf(kv.Key())...), ".")] = n
					}
				}
			}
		}
	}
	return order
}
