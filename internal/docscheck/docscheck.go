// Package docscheck keeps the plugin contract reference
// (docs/plugins/reference.md) in step with package api: it reads the api
// sources with go/ast, renders the reference's generated section from them,
// and checks that every exported struct field's wire name and every
// function, host-function and configuration-key constant is documented.
package docscheck

import (
	"fmt"
	"go/ast"
	"go/doc"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strconv"
	"strings"
)

// Field is one exported struct field of the contract.
type Field struct {
	// Go is the field's Go name; Wire its JSON name ("" for an embedded
	// struct, whose fields are inlined).
	Go, Wire string
	// Type is the field's Go type as written.
	Type string
	// Doc is the field's doc comment, on one line.
	Doc string
	// Embedded is true for an embedded struct.
	Embedded bool
}

// Type is one exported struct type of the contract.
type Type struct {
	Name   string
	Doc    string
	Fields []Field
}

// Const is one exported string constant of the contract.
type Const struct {
	Name, Value, Doc string
}

// Contract is what package api declares.
type Contract struct {
	Types  []Type
	Consts []Const
}

// wireInDoc finds `(wire: "name"` in a field comment, for fields whose JSON
// is written by hand (VirtualPath).
func wireInDoc(d string) string {
	i := strings.Index(d, `wire: "`)
	if i < 0 {
		return ""
	}
	rest := d[i+len(`wire: "`):]
	if j := strings.IndexByte(rest, '"'); j > 0 {
		return rest[:j]
	}
	return ""
}

// Load parses the non-test Go files of the api package in dir.
func Load(dir string) (*Contract, error) {
	fset := token.NewFileSet()
	pkgs, err := parser.ParseDir(fset, dir, func(fi os.FileInfo) bool {
		return !strings.HasSuffix(fi.Name(), "_test.go")
	}, parser.ParseComments)
	if err != nil {
		return nil, fmt.Errorf("parse %s: %w", dir, err)
	}
	pkg, ok := pkgs["api"]
	if !ok {
		return nil, fmt.Errorf("%s: no package api", dir)
	}
	var files []*ast.File
	names := make([]string, 0, len(pkg.Files))
	for n := range pkg.Files {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		files = append(files, pkg.Files[n])
	}
	dp, err := doc.NewFromFiles(fset, files, "github.com/tote-dev/tote/api", doc.PreserveAST)
	if err != nil {
		return nil, err
	}
	c := &Contract{}
	for _, t := range dp.Types {
		c.addConsts(t.Consts)
		for _, spec := range t.Decl.Specs {
			ts, ok := spec.(*ast.TypeSpec)
			if !ok || !ts.Name.IsExported() {
				continue
			}
			st, ok := ts.Type.(*ast.StructType)
			if !ok {
				continue
			}
			typ := Type{Name: ts.Name.Name, Doc: oneLine(t.Doc)}
			for _, f := range st.Fields.List {
				fd := oneLine(f.Doc.Text())
				typeStr := exprString(f.Type)
				if len(f.Names) == 0 {
					typ.Fields = append(typ.Fields, Field{Go: typeStr, Type: typeStr, Doc: fd, Embedded: true})
					continue
				}
				for _, n := range f.Names {
					if !n.IsExported() {
						continue
					}
					wire := ""
					if f.Tag != nil {
						tag, _ := strconv.Unquote(f.Tag.Value)
						wire, _, _ = strings.Cut(reflect.StructTag(tag).Get("json"), ",")
						if wire == "-" {
							continue
						}
					} else {
						wire = wireInDoc(fd)
					}
					if wire == "" {
						wire = n.Name
					}
					typ.Fields = append(typ.Fields, Field{Go: n.Name, Wire: wire, Type: typeStr, Doc: fd})
				}
			}
			c.Types = append(c.Types, typ)
		}
	}
	c.addConsts(dp.Consts)
	sort.Slice(c.Types, func(i, j int) bool { return c.Types[i].Name < c.Types[j].Name })
	sort.Slice(c.Consts, func(i, j int) bool { return c.Consts[i].Name < c.Consts[j].Name })
	return c, nil
}

// documentedConsts are the constant name prefixes whose values a plugin
// author meets on the wire.
var documentedConsts = []string{"Func", "Host", "Config", "Virtual", "Cap", "Event", "Type", "OS", "Arch", "Libc", "Log", "Reason"}

func (c *Contract) addConsts(groups []*doc.Value) {
	for _, g := range groups {
		for _, spec := range g.Decl.Specs {
			vs := spec.(*ast.ValueSpec)
			for i, n := range vs.Names {
				if !n.IsExported() || i >= len(vs.Values) {
					continue
				}
				lit, ok := vs.Values[i].(*ast.BasicLit)
				if !ok || lit.Kind != token.STRING {
					continue
				}
				keep := false
				for _, p := range documentedConsts {
					if strings.HasPrefix(n.Name, p) {
						keep = true
					}
				}
				if !keep {
					continue
				}
				v, _ := strconv.Unquote(lit.Value)
				c.Consts = append(c.Consts, Const{Name: n.Name, Value: v, Doc: oneLine(vs.Doc.Text() + vs.Comment.Text())})
			}
		}
	}
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

func exprString(e ast.Expr) string {
	switch x := e.(type) {
	case *ast.Ident:
		return x.Name
	case *ast.StarExpr:
		return "*" + exprString(x.X)
	case *ast.ArrayType:
		return "[]" + exprString(x.Elt)
	case *ast.MapType:
		return "map[" + exprString(x.Key) + "]" + exprString(x.Value)
	case *ast.SelectorExpr:
		return exprString(x.X) + "." + x.Sel.Name
	case *ast.InterfaceType:
		return "any"
	}
	return fmt.Sprintf("%T", e)
}

// Check reports every part of the contract that the Markdown reference
// does not document: for each struct type, a heading that names it in
// backquotes, and within that heading's section each field's wire name in
// backquotes; for each constant, its value in backquotes anywhere.
func Check(c *Contract, markdown string) []string {
	sections := splitSections(markdown)
	var problems []string
	for _, t := range c.Types {
		sec, ok := sections[t.Name]
		if !ok {
			problems = append(problems, fmt.Sprintf("type %s: no section (a heading containing `%s`)", t.Name, t.Name))
			continue
		}
		for _, f := range t.Fields {
			if f.Embedded {
				if !strings.Contains(sec, "`"+f.Type+"`") {
					problems = append(problems, fmt.Sprintf("type %s: embedded %s is not mentioned", t.Name, f.Type))
				}
				continue
			}
			if !strings.Contains(sec, "`"+f.Wire+"`") {
				problems = append(problems, fmt.Sprintf("type %s: field %s (wire %q) is not documented", t.Name, f.Go, f.Wire))
				continue
			}
			if row, ok := tableRow(sec, f.Wire); ok && strings.TrimSpace(row[len(row)-1]) == "" {
				problems = append(problems, fmt.Sprintf("type %s: field %s (wire %q) has no description: add a doc comment to the field in api/", t.Name, f.Go, f.Wire))
			}
		}
	}
	for _, k := range c.Consts {
		if !strings.Contains(markdown, "`"+k.Value+"`") {
			problems = append(problems, fmt.Sprintf("constant %s = %q is not documented", k.Name, k.Value))
		}
	}
	return problems
}

// splitSections maps each backquoted identifier in a heading to the text up
// to the next heading of the same or a higher level.
func splitSections(md string) map[string]string {
	lines := strings.Split(md, "\n")
	out := map[string]string{}
	for i, l := range lines {
		level := headingLevel(l)
		if level == 0 {
			continue
		}
		end := len(lines)
		for j := i + 1; j < len(lines); j++ {
			if lv := headingLevel(lines[j]); lv > 0 && lv <= level {
				end = j
				break
			}
		}
		body := strings.Join(lines[i:end], "\n")
		for _, part := range strings.Split(l, "`")[1:] {
			if part != "" && !strings.ContainsAny(part, " ") {
				if _, seen := out[part]; !seen {
					out[part] = body
				}
			}
		}
	}
	return out
}

// tableRow returns the cells of the table row whose first cell is
// `wire`, if the section has one.
func tableRow(sec, wire string) ([]string, bool) {
	for _, l := range strings.Split(sec, "\n") {
		if strings.HasPrefix(l, "| `"+wire+"` |") {
			cells := strings.Split(strings.Trim(l, "|"), " | ")
			return cells, true
		}
	}
	return nil, false
}

func headingLevel(l string) int {
	n := 0
	for n < len(l) && l[n] == '#' {
		n++
	}
	if n == 0 || n >= len(l) || l[n] != ' ' {
		return 0
	}
	return n
}

// Generated markers delimit the generated part of the reference.
const (
	BeginMarker = "<!-- BEGIN GENERATED: go test ./internal/docscheck -update -->"
	EndMarker   = "<!-- END GENERATED -->"
)

// Render writes the generated reference: one section per struct type with
// a table of its fields, then the constants.
func Render(c *Contract) string {
	var b strings.Builder
	b.WriteString(BeginMarker + "\n\n")
	b.WriteString("### Types\n\n")
	for _, t := range c.Types {
		fmt.Fprintf(&b, "#### `%s`\n\n", t.Name)
		if t.Doc != "" {
			b.WriteString(t.Doc + "\n\n")
		}
		if len(t.Fields) == 0 {
			continue
		}
		b.WriteString("| wire name | Go field | type | meaning |\n|---|---|---|---|\n")
		for _, f := range t.Fields {
			if f.Embedded {
				fmt.Fprintf(&b, "| *(inlined)* | `%s` | `%s` | the fields of `%s` |\n", f.Type, f.Type, f.Type)
				continue
			}
			d := f.Doc
			if d == "" {
				d = fallbackDocs[f.Wire]
			}
			fmt.Fprintf(&b, "| `%s` | %s | `%s` | %s |\n", f.Wire, f.Go, f.Type, escapePipes(d))
		}
		b.WriteString("\n")
	}
	b.WriteString("### Constants\n\n| constant | value | meaning |\n|---|---|---|\n")
	for _, k := range c.Consts {
		fmt.Fprintf(&b, "| %s | `%s` | %s |\n", k.Name, k.Value, escapePipes(k.Doc))
	}
	b.WriteString("\n" + EndMarker)
	return b.String()
}

// fallbackDocs describe the few fields that are self-explanatory in api/
// and so carry no doc comment there. A new field needs a doc comment.
var fallbackDocs = map[string]string{
	"context": "the tool and version the call is about; see `Context`",
	"tool":    "the tool id",
	"version": "the version",
}

func escapePipes(s string) string { return strings.ReplaceAll(s, "|", `\|`) }

// Splice replaces the generated part of md with generated.
func Splice(md, generated string) (string, error) {
	i := strings.Index(md, BeginMarker)
	j := strings.Index(md, EndMarker)
	if i < 0 || j < i {
		return "", fmt.Errorf("the reference has no %q … %q block", BeginMarker, EndMarker)
	}
	return md[:i] + generated + md[j+len(EndMarker):], nil
}

// RepoFile returns a path relative to the repository root, from this
// package's directory.
func RepoFile(parts ...string) string {
	return filepath.Join(append([]string{"..", ".."}, parts...)...)
}
