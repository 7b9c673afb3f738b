package cli

import (
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/tote-dev/tote/internal/shellquote"
)

// Shells tote integrates with.
var shells = []string{"bash", "zsh", "fish", "pwsh"}

// envKeysVar lists, colon-separated, the variables activation set, so the
// next directory (or a nested shell) can unset those no longer wanted.
const envKeysVar = "__TOTE_ENV_KEYS"

// checkShell validates a shell name ("powershell" is pwsh).
func checkShell(s string) (string, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	if s == "powershell" {
		s = "pwsh"
	}
	for _, k := range shells {
		if s == k {
			return s, nil
		}
	}
	return "", &HintError{Err: fmt.Errorf("unknown shell %q", s), Msg: "use " + strings.Join(shells, ", ")}
}

// detectShell guesses the user's shell from $SHELL (bash when unknown).
func detectShell() string {
	if s, err := checkShell(filepath.Base(os.Getenv("SHELL"))); err == nil {
		return s
	}
	return "bash"
}

// quoteFor quotes a word for shell sh.
func quoteFor(sh, s string) string {
	switch sh {
	case "fish":
		return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
	case "pwsh":
		return "'" + strings.ReplaceAll(s, "'", "''") + "'"
	}
	return shellquote.Quote(s)
}

// envScript renders the statements that set PATH to path and the
// variables vars, and unset the names in unset, for shell sh.
func envScript(sh string, path []string, vars map[string]string, unset []string) string {
	var b strings.Builder
	keys := slices.Sorted(maps.Keys(vars))
	switch sh {
	case "fish":
		for _, k := range unset {
			fmt.Fprintf(&b, "set -e %s;\n", k)
		}
		b.WriteString("set -gx PATH")
		for _, d := range path {
			b.WriteString(" " + quoteFor(sh, d))
		}
		b.WriteString(";\n")
		for _, k := range keys {
			fmt.Fprintf(&b, "set -gx %s %s;\n", k, quoteFor(sh, vars[k]))
		}
	case "pwsh":
		for _, k := range unset {
			fmt.Fprintf(&b, "Remove-Item -ErrorAction SilentlyContinue Env:%s\n", k)
		}
		fmt.Fprintf(&b, "$env:PATH = %s\n", quoteFor(sh, strings.Join(path, string(os.PathListSeparator))))
		for _, k := range keys {
			fmt.Fprintf(&b, "$env:%s = %s\n", k, quoteFor(sh, vars[k]))
		}
	default:
		for _, k := range unset {
			fmt.Fprintf(&b, "unset %s;\n", k)
		}
		fmt.Fprintf(&b, "export PATH=%s;\n", quoteFor(sh, strings.Join(path, string(os.PathListSeparator))))
		for _, k := range keys {
			fmt.Fprintf(&b, "export %s=%s;\n", k, quoteFor(sh, vars[k]))
		}
	}
	return b.String()
}

// shellVars renders shell-local (not exported) variables: the hook's
// state, which a nested shell must not inherit.
func shellVars(sh string, vars map[string]string, lists map[string][]string) string {
	var b strings.Builder
	keys := slices.Sorted(maps.Keys(vars))
	for _, k := range keys {
		switch sh {
		case "fish":
			fmt.Fprintf(&b, "set -g %s %s;\n", k, quoteFor(sh, vars[k]))
		case "pwsh":
			fmt.Fprintf(&b, "$global:%s = %s\n", k, quoteFor(sh, vars[k]))
		default:
			fmt.Fprintf(&b, "%s=%s;\n", k, quoteFor(sh, vars[k]))
		}
	}
	lkeys := slices.Sorted(maps.Keys(lists))
	for _, k := range lkeys {
		q := make([]string, len(lists[k]))
		for i, s := range lists[k] {
			q[i] = quoteFor(sh, s)
		}
		switch sh {
		case "fish":
			fmt.Fprintf(&b, "set -g %s %s;\n", k, strings.Join(q, " "))
		case "pwsh":
			fmt.Fprintf(&b, "$global:%s = @(%s)\n", k, strings.Join(q, ", "))
		default:
			fmt.Fprintf(&b, "%s=(%s);\n", k, strings.Join(q, " "))
		}
	}
	return b.String()
}

// activationScript is what `tote activate SHELL` prints: a prompt hook that
// asks tote for the environment only when the directory changed or a
// watched file is newer than the hook's stamp (a shell builtin test, no
// process), and a tote function that refreshes after tote commands and
// makes `tote deactivate` work.
func activationScript(sh, tote string) string {
	t := quoteFor(sh, tote)
	switch sh {
	case "fish":
		return strings.ReplaceAll(`# tote activate fish: put the pinned tools' bin directories on PATH.
function _tote_stale
    test -n "$__tote_stamp"; and test -e "$__tote_stamp"; or return 0
    for f in $__tote_watch
        if test "$f" -nt "$__tote_stamp"
            return 0
        end
    end
    return 1
end
function _tote_hook --on-event fish_prompt
    if test "$__tote_pwd" != "$PWD"; or _tote_stale
        command @TOTE@ hook-env fish --pid $fish_pid | source
    end
end
function tote
    if test "$argv[1]" = deactivate
        command @TOTE@ deactivate fish | source
        return
    end
    command @TOTE@ $argv
    set -l s $status
    set -g __tote_pwd
    return $s
end
_tote_hook
`, "@TOTE@", t)
	case "pwsh":
		return strings.ReplaceAll(`# tote activate pwsh: put the pinned tools' bin directories on PATH.
function global:_tote_stale {
    if (-not $global:__tote_stamp -or -not (Test-Path -LiteralPath $global:__tote_stamp)) { return $true }
    $t = (Get-Item -LiteralPath $global:__tote_stamp).LastWriteTimeUtc
    foreach ($f in $global:__tote_watch) {
        if ((Test-Path -LiteralPath $f) -and (Get-Item -LiteralPath $f).LastWriteTimeUtc -gt $t) { return $true }
    }
    return $false
}
function global:_tote_hook {
    if ($global:__tote_pwd -ne $PWD.Path -or (_tote_stale)) {
        & @TOTE@ hook-env pwsh --pid $PID | Out-String | Invoke-Expression
    }
}
function global:tote {
    if ($args.Count -gt 0 -and $args[0] -eq 'deactivate') {
        & @TOTE@ deactivate pwsh | Out-String | Invoke-Expression
        return
    }
    & @TOTE@ @args
    $global:__tote_pwd = $null
}
if (-not $global:__tote_prompt) { $global:__tote_prompt = $function:prompt }
function global:prompt { _tote_hook; & $global:__tote_prompt }
_tote_hook
`, "@TOTE@", t)
	case "zsh":
		return strings.ReplaceAll(`# tote activate zsh: put the pinned tools' bin directories on PATH.
_tote_stale() {
  [[ -n "${__tote_stamp-}" && -e "$__tote_stamp" ]] || return 0
  local f
  for f in "${__tote_watch[@]}"; do
    [[ "$f" -nt "$__tote_stamp" ]] && return 0
  done
  return 1
}
_tote_hook() {
  if [[ "${__tote_pwd-}" != "$PWD" ]] || _tote_stale; then
    eval "$(command @TOTE@ hook-env zsh --pid $$)"
  fi
}
tote() {
  if [[ "${1-}" == deactivate ]]; then
    eval "$(command @TOTE@ deactivate zsh)"
    return
  fi
  command @TOTE@ "$@"
  local s=$?
  __tote_pwd=
  return $s
}
autoload -Uz add-zsh-hook
add-zsh-hook precmd _tote_hook
_tote_hook
`, "@TOTE@", t)
	}
	return strings.ReplaceAll(`# tote activate bash: put the pinned tools' bin directories on PATH.
_tote_stale() {
  [[ -n "${__tote_stamp-}" && -e "$__tote_stamp" ]] || return 0
  local f
  for f in "${__tote_watch[@]}"; do
    [[ "$f" -nt "$__tote_stamp" ]] && return 0
  done
  return 1
}
_tote_hook() {
  local s=$?
  if [[ "${__tote_pwd-}" != "$PWD" ]] || _tote_stale; then
    eval "$(command @TOTE@ hook-env bash --pid $$)"
  fi
  return $s
}
tote() {
  if [[ "${1-}" == deactivate ]]; then
    eval "$(command @TOTE@ deactivate bash)"
    return
  fi
  command @TOTE@ "$@"
  local s=$?
  __tote_pwd=
  return $s
}
if [[ "$(declare -p PROMPT_COMMAND 2>/dev/null)" == "declare -a"* ]]; then
  [[ " ${PROMPT_COMMAND[*]} " == *" _tote_hook "* ]] || PROMPT_COMMAND=(_tote_hook "${PROMPT_COMMAND[@]}")
elif [[ ";${PROMPT_COMMAND-};" != *";_tote_hook;"* ]]; then
  PROMPT_COMMAND="_tote_hook${PROMPT_COMMAND:+;$PROMPT_COMMAND}"
fi
_tote_hook
`, "@TOTE@", t)
}

// deactivationScript removes the hook and the tote function, then puts
// PATH and the variables back (rest is the environment to restore).
func deactivationScript(sh string, path []string, unset []string) string {
	env := envScript(sh, path, nil, append(unset, envKeysVar))
	switch sh {
	case "fish":
		return env + "functions -e _tote_hook _tote_stale tote;\nset -e __tote_pwd __tote_stamp __tote_watch;\n"
	case "pwsh":
		return env + "if ($global:__tote_prompt) { $function:prompt = $global:__tote_prompt; $global:__tote_prompt = $null }\n" +
			"Remove-Item -ErrorAction SilentlyContinue Function:_tote_hook, Function:_tote_stale, Function:tote\n" +
			"$global:__tote_pwd = $null; $global:__tote_stamp = $null; $global:__tote_watch = $null\n"
	case "zsh":
		return env + "add-zsh-hook -d precmd _tote_hook 2>/dev/null;\nunset -f _tote_hook _tote_stale tote;\nunset __tote_pwd __tote_stamp __tote_watch;\n"
	}
	return env + `if [[ "$(declare -p PROMPT_COMMAND 2>/dev/null)" == "declare -a"* ]]; then
  __tote_pc=(); for __tote_c in "${PROMPT_COMMAND[@]}"; do [[ "$__tote_c" == _tote_hook ]] || __tote_pc+=("$__tote_c"); done
  PROMPT_COMMAND=("${__tote_pc[@]}"); unset __tote_pc __tote_c
else
  PROMPT_COMMAND="${PROMPT_COMMAND//_tote_hook;/}"; PROMPT_COMMAND="${PROMPT_COMMAND//_tote_hook/}"
fi
unset -f _tote_hook _tote_stale tote;
unset __tote_pwd __tote_stamp __tote_watch;
`
}
