package toolchain

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/tote-dev/tote/api"
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
