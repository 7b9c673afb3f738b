package toolchain

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/tote-dev/tote/api"
	"github.com/tote-dev/tote/internal/ocimirror"
)

// Probe is what `tote doctor` found about reaching one tool's download.
type Probe struct {
	Tool, Version string
	// URL is the plugin's download URL; Rewritten is it after
	// [settings] url-rewrites (equal when none applies).
	URL, Rewritten string
	// Status is the HTTP status of a HEAD request (0 when it failed).
	Status int
	// Err is why the URL could not be asked for or reached.
	Err error
}

// ProbeDownload asks the plugin where version ver of tool id downloads
// from, applies the url-rewrites, and sends a HEAD request there (falling
// back to a one-byte GET for servers that refuse HEAD), within timeout.
func (m *Manager) ProbeDownload(ctx context.Context, id, ver string, timeout time.Duration) Probe {
	p := Probe{Tool: id, Version: ver}
	t, err := m.Tool(ctx, id)
	if err != nil {
		p.Err = err
		return p
	}
	var dl api.DownloadPrebuiltOutput
	in := api.DownloadPrebuiltInput{Context: m.context(id, ver), InstallDir: m.virtual(m.Store.VersionDir(id, ver))}
	if !t.Plugin.HasFunction(api.FuncDownloadPrebuilt) {
		p.Err = fmt.Errorf("plugin %q installs natively (no download_prebuilt): nothing to probe", id)
		return p
	}
	if err := t.Plugin.Call(ctx, api.FuncDownloadPrebuilt, in, &dl); err != nil {
		p.Err = err
		return p
	}
	p.URL = dl.DownloadURL
	p.Rewritten = m.RewriteURL(dl.DownloadURL)
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	for _, method := range []string{http.MethodHead, http.MethodGet} {
		req, err := http.NewRequestWithContext(ctx, method, p.Rewritten, nil)
		if err != nil {
			p.Err = err
			return p
		}
		if method == http.MethodGet {
			req.Header.Set("Range", "bytes=0-0")
		}
		for k, v := range dl.HTTPHeaders {
			req.Header.Set(k, v)
		}
		resp, err := m.HTTP.Do(req)
		if err != nil {
			p.Err = err
			return p
		}
		resp.Body.Close()
		p.Status, p.Err = resp.StatusCode, nil
		if resp.StatusCode != http.StatusMethodNotAllowed && resp.StatusCode != http.StatusNotImplemented {
			break
		}
	}
	if p.Status >= 400 {
		p.Err = fmt.Errorf("%s answered %s", p.Rewritten, http.StatusText(p.Status))
	}
	return p
}

// MirrorProbe is what `tote doctor` found about one tool version in one
// configured mirror ([settings] mirrors).
type MirrorProbe struct {
	// Mirror is the mirror as configured (registry://… or oci-layout://…).
	Mirror string
	// Ref is the reference the archive is looked up under.
	Ref string
	// Found is true when the mirror has the archive, described as it
	// should be.
	Found bool
	// Err is why it was not found: wrapping ocimirror.ErrNotFound for a
	// plain miss, else the mirror is unreachable, refused the credentials
	// or holds a manifest tote refuses.
	Err error
}

// Missing reports whether the mirror answered that it does not have the
// archive (a plain miss, as opposed to an unreachable or refusing mirror).
func (p MirrorProbe) Missing() bool { return errors.Is(p.Err, ocimirror.ErrNotFound) }

// ProbeMirrors looks version ver of tool id up in every mirror an install
// would ask (offline: the OCI layouts only), reading manifests only, each
// lookup within timeout.
func (m *Manager) ProbeMirrors(ctx context.Context, id, ver string, timeout time.Duration) []MirrorProbe {
	plat := m.Platform()
	client := m.mirrorClient()
	var out []MirrorProbe
	for _, mr := range m.mirrors() {
		p := MirrorProbe{Mirror: mr.String(), Ref: ocimirror.Reference(mr, ocimirror.ToolRepository(id), ocimirror.ToolTag(ver, plat))}
		cctx, cancel := context.WithTimeout(ctx, timeout)
		_, err := client.LookupTool(cctx, mr, id, ver, plat)
		cancel()
		p.Found, p.Err = err == nil, err
		out = append(out, p)
	}
	return out
}
