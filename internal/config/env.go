package config

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"strings"

	"github.com/tote-dev/tote/internal/readlimit"
)

// RunEnv returns the variables a run of tool id gets from configuration, as
// proto computes them: the dotenv files of [env] and [tools.<id>.env] (the
// farthest file's first), then [env], then [tools.<id>.env], nearer files
// winning. A value "" unsets the variable (proto's false). A variable the
// shell already sets to a non-empty value keeps the shell's value, unless
// the configuration unsets it. Values may refer to other variables as
// ${NAME}; the launcher expands them.
func (c *Config) RunEnv(id string) (map[string]string, error) {
	out := map[string]string{}
	var files []EnvFile
	for i := len(c.files) - 1; i >= 0; i-- {
		files = append(files, c.files[i].EnvFiles...)
	}
	for i := len(c.files) - 1; i >= 0; i-- {
		if t, ok := c.files[i].Tools[id]; ok {
			files = append(files, t.EnvFiles...)
		}
	}
	for _, f := range files {
		vars, err := readDotenv(f.Path)
		if err != nil {
			return nil, fmt.Errorf("env file %s (named in %s): %w", f.Path, f.Source, err)
		}
		for _, kv := range vars {
			out[kv[0]] = kv[1]
		}
	}
	for k, v := range c.Env() {
		out[k] = v
	}
	for k, v := range c.Tool(id).Env {
		out[k] = v
	}
	for k, v := range out {
		if v != "" && os.Getenv(k) != "" {
			delete(out, k) // the shell's own value wins, as in proto
		}
	}
	return out, nil
}

// maxDotenv bounds a dotenv file.
const maxDotenv = 1 << 20

// readDotenv reads a dotenv file: KEY=VALUE lines, an optional "export "
// prefix, # comments, values in single quotes (literal), double quotes
// (with \n, \t, \", \\ escapes, spanning lines) or bare (trailing comments
// and blanks dropped). Pairs come in file order.
func readDotenv(path string) ([][2]string, error) {
	data, err := readlimit.File(path, maxDotenv, "dotenv file")
	if err != nil {
		return nil, err
	}
	var out [][2]string
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 64<<10), maxDotenv)
	line := 0
	for sc.Scan() {
		line++
		text := strings.TrimSpace(strings.TrimPrefix(sc.Text(), "\ufeff"))
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		text = strings.TrimPrefix(text, "export ")
		key, val, ok := strings.Cut(text, "=")
		key = strings.TrimSpace(key)
		if !ok || !validEnvName(key) {
			return nil, fmt.Errorf("line %d: want KEY=VALUE", line)
		}
		val = strings.TrimLeft(val, " \t")
		switch {
		case strings.HasPrefix(val, "'"):
			end := strings.Index(val[1:], "'")
			if end < 0 {
				return nil, fmt.Errorf("line %d: unterminated single quote", line)
			}
			val = val[1 : 1+end]
		case strings.HasPrefix(val, `"`):
			var b strings.Builder
			rest := val[1:]
			for {
				i := strings.IndexAny(rest, `"\`)
				if i < 0 {
					b.WriteString(rest)
					if !sc.Scan() {
						return nil, fmt.Errorf("line %d: unterminated double quote", line)
					}
					line++
					b.WriteByte('\n')
					rest = sc.Text()
					continue
				}
				b.WriteString(rest[:i])
				if rest[i] == '"' {
					break
				}
				if i+1 >= len(rest) {
					rest = ""
					continue
				}
				switch e := rest[i+1]; e {
				case 'n':
					b.WriteByte('\n')
				case 't':
					b.WriteByte('\t')
				case 'r':
					b.WriteByte('\r')
				default:
					b.WriteByte(e)
				}
				rest = rest[i+2:]
			}
			val = b.String()
		default:
			if i := strings.Index(val, " #"); i >= 0 {
				val = val[:i]
			}
			val = strings.TrimSpace(val)
		}
		out = append(out, [2]string{key, val})
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

func validEnvName(k string) bool {
	if k == "" {
		return false
	}
	for i, r := range k {
		if !(r == '_' || r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || i > 0 && (r >= '0' && r <= '9' || r == '.' || r == '-')) {
			return false
		}
	}
	return true
}

// Warnings returns the warnings of every file read, nearest file first.
func (c *Config) Warnings() []Warning {
	var out []Warning
	for _, f := range c.files {
		out = append(out, f.Warnings...)
	}
	return out
}

// ProtoOffline reads proto's PROTO_OFFLINE: "1"/"true" and "0"/"false"
// count, anything else is ignored (as proto does).
func protoOffline() *bool {
	var b bool
	switch os.Getenv("PROTO_OFFLINE") {
	case "1", "true":
		b = true
	case "0", "false":
	default:
		return nil
	}
	return &b
}
