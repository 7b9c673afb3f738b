package cli

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/tote-dev/tote/internal/shellquote"
	"github.com/tote-dev/tote/internal/suggest"
)

// optionalValueFlags are flags whose value is optional (--pin means
// --pin=local) and comes from a closed set. Written with a space
// (--pin global), the word is taken as the flag's value rather than as a
// positional argument, so both spellings mean the same in every command.
var optionalValueFlags = map[string][]string{
	"--pin": {"local", "global"},
}

// normalizeArgs joins `--flag VALUE` into `--flag=VALUE` for the flags of
// optionalValueFlags when VALUE is one of their values. Arguments after a
// bare "--" are the tool's and are left alone.
func normalizeArgs(args []string) []string {
	out := make([]string, 0, len(args))
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			return append(out, args[i:]...)
		}
		if values, ok := optionalValueFlags[a]; ok && i+1 < len(args) && contains(values, args[i+1]) {
			out = append(out, a+"="+args[i+1])
			i++
			continue
		}
		out = append(out, a)
	}
	return out
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// tameCobra makes the command tree speak tote's words: argument-count
// errors name the command and its usage with an example, flag errors point
// at --help, and an unknown command gets "did you mean".
func tameCobra(root *cobra.Command) {
	root.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error {
		msg := strings.TrimPrefix(err.Error(), "unknown flag: ")
		if msg != err.Error() {
			err = fmt.Errorf("`%s` has no flag %s", cmd.CommandPath(), msg)
		}
		return &HintError{Err: err, Msg: fmt.Sprintf("see `%s --help`", cmd.CommandPath())}
	})
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		if v := c.Args; v != nil && c != root {
			c.Args = func(cmd *cobra.Command, args []string) error {
				if err := v(cmd, args); err != nil {
					return argError(cmd, args)
				}
				return nil
			}
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
	// The root takes no arguments of its own: a word that is not a command
	// is a mistyped command (cobra's own message would be its wording).
	root.Args = cobra.ArbitraryArgs
	root.RunE = func(cmd *cobra.Command, args []string) error {
		if len(args) == 0 {
			return cmd.Help()
		}
		return unknownCommand(root, args[0])
	}
}

// argError says what a command takes, with its usage and first example.
func argError(cmd *cobra.Command, args []string) error {
	want := strings.TrimSpace(strings.TrimPrefix(cmd.Use, cmd.Name()))
	got := "none"
	if len(args) > 0 {
		got = shellquote.Join(args...)
	}
	var err error
	if want == "" {
		err = fmt.Errorf("`%s` takes no arguments (got %s)", cmd.CommandPath(), got)
	} else {
		err = fmt.Errorf("`%s` takes %s (got %s)", cmd.CommandPath(), want, got)
	}
	hint := fmt.Sprintf("usage: %s %s", cmd.CommandPath(), want)
	if ex := firstExample(cmd); ex != "" {
		hint += "; for example `" + ex + "`"
	}
	return &HintError{Err: err, Msg: strings.TrimSpace(hint)}
}

func firstExample(cmd *cobra.Command) string {
	for _, line := range strings.Split(cmd.Example, "\n") {
		line = strings.TrimSpace(line)
		if i := strings.Index(line, "  #"); i >= 0 {
			line = strings.TrimSpace(line[:i])
		}
		if line != "" {
			return line
		}
	}
	return ""
}

// unknownCommand explains a word that is no command: "did you mean" with
// the closest commands, --version for "version", `tote run` for a tool.
func unknownCommand(root *cobra.Command, name string) error {
	err := fmt.Errorf("unknown command %q", name)
	switch strings.TrimLeft(name, "-") {
	case "version", "ver":
		return &HintError{Err: err, Msg: "did you mean `tote --version`?"}
	case "upgrade", "self-update", "selfupdate":
		// Only when no such command exists (tote upgrade may land later).
	}
	var names []string
	for _, c := range root.Commands() {
		if c.Hidden {
			continue
		}
		names = append(names, c.Name())
		names = append(names, c.Aliases...)
	}
	if s := suggest.Similar(name, names); len(s) > 0 {
		cmds := make([]string, 0, 3)
		for i, n := range s {
			if i == 3 {
				break
			}
			cmds = append(cmds, "`tote "+n+"`")
		}
		return &HintError{Err: err, Msg: "did you mean " + strings.Join(cmds, " or ") + "?"}
	}
	return &HintError{Err: err, Msg: "run `tote --help` for the list of commands; to run a tool, `tote run " + shellquote.Quote(name) + "`"}
}
