package toolchain

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"github.com/tote-dev/tote/api"
	"github.com/tote-dev/tote/host/services"
	"github.com/tote-dev/tote/internal/config"
)

// LsRemoteRequest is a `git ls-remote` command line a plugin asked for,
// parsed: what the host-side ls-remote must list and how to print it.
type LsRemoteRequest struct {
	// URL is the repository as the plugin wrote it.
	URL string
	// Tags and Heads limit the listing to refs/tags/ and refs/heads/.
	Tags, Heads bool
	// Refs drops peeled tags (^{}) and pseudo-refs such as HEAD.
	Refs bool
	// Symref prints the target of symbolic refs (ref: refs/heads/x\tHEAD).
	Symref bool
	// ExitCode makes an empty listing exit with status 2.
	ExitCode bool
	// Sort is git's --sort key, such as "version:refname" or
	// "-version:refname"; "" keeps the remote's order.
	Sort string
	// Patterns keep only refs whose name ends with one of them (git's
	// tail match, with glob patterns).
	Patterns []string
}

// LsRemoter lists the refs of the repository at url over HTTP(S) inside the
// host, with no git binary (smart or dumb protocol), applying url-rewrites
// itself. tags and heads narrow the listing to refs/tags/ and refs/heads/
// (both: both). Without either, HEAD comes first with its Target when the
// remote says it. host/services' GitLsRemote is one.
type LsRemoter func(ctx context.Context, url string, tags, heads bool) ([]LsRef, error)

// ServicesLsRemote is the LsRemoter of the host services: svc's
// GitLsRemote, under svc's url-rewrites, allow-list and limits. It is what
// tote wires in production, so proto's plugins that list versions with
// `git ls-remote` need neither git nor the exec grant.
func ServicesLsRemote(svc *services.Services) LsRemoter {
	return func(ctx context.Context, url string, tags, heads bool) ([]LsRef, error) {
		refs, err := svc.GitLsRemote(ctx, url, services.LsRemoteOptions{Tags: tags, Heads: heads})
		if err != nil {
			return nil, err
		}
		out := make([]LsRef, len(refs))
		for i, r := range refs {
			out[i] = LsRef{Name: r.Name, Hash: r.Hash, Peeled: r.Peeled, Target: r.Target}
		}
		return out, nil
	}
}

// parseLsRemote recognises a `git ls-remote` invocation in the forms proto's
// plugins use (`git ls-remote --tags --sort version:refname URL`, with
// --heads/--branches, --refs, --sort=KEY, -t, -h/-b, -q, --exit-code,
// --symref and patterns after the URL). Anything else — another git
// command, an option that changes what runs (--upload-pack), a URL that
// is not http(s), or an option this host does not know — is not served
// (ok false) and falls under the exec grant.
func parseLsRemote(in api.ExecCommandInput) (LsRemoteRequest, bool) {
	var req LsRemoteRequest
	if in.Command != "git" || in.Shell != "" || len(in.Args) == 0 || in.Args[0] != "ls-remote" {
		return req, false
	}
	args := in.Args[1:]
	for len(args) > 0 {
		a := args[0]
		if !strings.HasPrefix(a, "-") || a == "-" {
			break
		}
		args = args[1:]
		switch {
		case a == "--":
			goto positional
		case a == "--tags" || a == "-t":
			req.Tags = true
		case a == "--heads" || a == "--branches" || a == "-h" || a == "-b":
			req.Heads = true
		case a == "--refs":
			req.Refs = true
		case a == "--symref":
			req.Symref = true
		case a == "--exit-code":
			req.ExitCode = true
		case a == "-q" || a == "--quiet":
		case a == "--sort":
			if len(args) == 0 {
				return req, false
			}
			req.Sort, args = args[0], args[1:]
		case strings.HasPrefix(a, "--sort="):
			req.Sort = strings.TrimPrefix(a, "--sort=")
		default:
			return req, false
		}
	}
positional:
	if len(args) == 0 {
		return req, false
	}
	req.URL, req.Patterns = args[0], args[1:]
	switch k := strings.TrimPrefix(req.Sort, "-"); k {
	case "", "refname", "version:refname", "v:refname":
	default:
		return req, false
	}
	if !strings.HasPrefix(req.URL, "https://") && !strings.HasPrefix(req.URL, "http://") {
		return req, false
	}
	return req, true
}

// execPolicy decides what becomes of a tool plugin's exec_command:
// `git ls-remote` is served inside the host with url-rewrites applied (no
// git binary and no grant needed); any other command runs only with the
// exec grant, and without it the plugin gets exit code 126 with the denial
// on stderr (as a shell reports a command it may not run), while tote warns
// once with the exact config line that grants it.
type execPolicy struct {
	m       *Manager
	id      string
	allowed bool

	mu     sync.Mutex
	denied []string // command lines refused since the last call began
}

func (m *Manager) execPolicy(id string, table config.ToolTable) *execPolicy {
	return &execPolicy{m: m, id: id, allowed: granted(table, "exec")}
}

// serve is runtime.LoadOptions.ExecHandler.
func (e *execPolicy) serve(ctx context.Context, in api.ExecCommandInput) (api.ExecCommandOutput, bool, error) {
	if req, ok := parseLsRemote(in); ok && e.m.LsRemote != nil {
		if e.m.Offline() {
			return api.ExecCommandOutput{Command: in.Command, ExitCode: 128,
				Stderr: fmt.Sprintf("fatal: unable to access '%s': tote is offline\n", req.URL)}, true, nil
		}
		refs, err := e.m.LsRemote(ctx, req.URL, req.Tags, req.Heads)
		if err != nil {
			// git prints its failure on stderr and exits 128; proto's
			// load_git_tags reads that as "no tags".
			e.m.Logger.Warn("git ls-remote failed", "tool", e.id, "url", req.URL, "err", err)
			return api.ExecCommandOutput{Command: in.Command, ExitCode: 128, Stderr: "fatal: " + err.Error() + "\n"}, true, nil
		}
		stdout, code := formatLsRemote(refs, req)
		return api.ExecCommandOutput{Command: in.Command, ExitCode: code, Stdout: stdout}, true, nil
	}
	if e.allowed {
		return api.ExecCommandOutput{}, false, nil
	}
	line := strings.TrimSpace(in.Command + " " + strings.Join(in.Args, " "))
	msg := fmt.Sprintf("%s: plugin %q may not run %q: exec is not granted; %s", api.PermissionDenied, e.id, line, e.m.execGrantHint(e.id))
	e.mu.Lock()
	e.denied = append(e.denied, line)
	e.mu.Unlock()
	// Many plugins probe (`which grep`) and carry on: say it quietly; if
	// the call then fails, its error names the refused commands.
	e.m.Logger.Info(fmt.Sprintf("plugin %q wanted to run %q, which is not granted", e.id, line), "hint", e.m.execGrantHint(e.id))
	return api.ExecCommandOutput{Command: in.Command, ExitCode: 126, Stderr: msg + "\n"}, true, nil
}

// begin forgets the refusals of earlier calls.
func (e *execPolicy) begin() {
	e.mu.Lock()
	e.denied = nil
	e.mu.Unlock()
}

// explain adds to a failed call's error the commands that were refused
// during it and how to grant them.
func (e *execPolicy) explain(err error) error {
	e.mu.Lock()
	denied := e.denied
	e.mu.Unlock()
	if err == nil || len(denied) == 0 {
		return err
	}
	return &hintErr{
		err:  fmt.Errorf("%w (during this call tote refused to run: %s)", err, strings.Join(quoteAll(denied), ", ")),
		hint: e.m.execGrantHint(e.id),
	}
}

func quoteAll(list []string) []string {
	out := make([]string, len(list))
	for i, s := range list {
		out[i] = fmt.Sprintf("%q", s)
	}
	return out
}

// policyPlugin adds the exec refusals of a failed call to its error.
type policyPlugin struct {
	Plugin
	policy *execPolicy
}

// Call runs fn and explains a failure that followed a refused command.
func (p *policyPlugin) Call(ctx context.Context, fn string, in, out any) error {
	p.policy.begin()
	return p.policy.explain(p.Plugin.Call(ctx, fn, in, out))
}

// EnvOverlay is the wrapped plugin's set_env_var overlay, if it has one.
func (p *policyPlugin) EnvOverlay() map[string]string {
	if o, ok := p.Plugin.(interface{ EnvOverlay() map[string]string }); ok {
		return o.EnvOverlay()
	}
	return nil
}
