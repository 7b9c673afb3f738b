package install

import (
	"fmt"
	"io"
	"net/url"
	"path"
	"time"

	"github.com/vbauerster/mpb/v8"
	"github.com/vbauerster/mpb/v8/decor"
	"golang.org/x/term"
)

// progress reports one download: a bar on a terminal (or in Bars), lines
// on any other writer, nothing when there is no writer.
type progress struct {
	w     io.Writer     // line mode writer, nil in bar mode or when silent
	own   *mpb.Progress // container made for this download, waited on at the end
	bars  *mpb.Progress
	bar   *mpb.Bar
	url   string
	label string
}

func (d *Downloader) newProgress(rawURL string) *progress {
	p := &progress{url: rawURL, label: displayName(rawURL)}
	switch {
	case d.Bars != nil:
		p.bars = d.Bars
	case d.Progress == nil:
	case isTerminal(d.Progress):
		p.own = mpb.New(mpb.WithOutput(d.Progress), mpb.WithWidth(64))
		p.bars = p.own
	default:
		p.w = d.Progress
	}
	return p
}

// displayName is the last path element of a URL, or the URL itself.
func displayName(rawURL string) string {
	if u, err := url.Parse(rawURL); err == nil {
		if b := path.Base(u.Path); b != "." && b != "/" && b != "" {
			return b
		}
	}
	return rawURL
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(interface{ Fd() uintptr })
	return ok && term.IsTerminal(int(f.Fd()))
}

// start is called when a body begins; total is -1 when unknown.
func (p *progress) start(total, current int64) {
	if p.w != nil && current == 0 {
		size := ""
		if total >= 0 {
			size = " (" + formatBytes(total) + ")"
		}
		fmt.Fprintf(p.w, "downloading %s%s\n", p.url, size)
	}
	if p.bars == nil {
		return
	}
	if p.bar == nil {
		p.bar = p.bars.AddBar(max(total, 0),
			mpb.PrependDecorators(decor.Name(p.label, decor.WCSyncSpaceR)),
			mpb.AppendDecorators(decor.CountersKibiByte("% .1f / % .1f"), decor.Percentage(decor.WCSyncSpace)),
		)
	} else if total >= 0 {
		p.bar.SetTotal(total, false)
	}
	p.bar.SetCurrent(current)
}

func (p *progress) add(n int) {
	if p.bar != nil {
		p.bar.IncrBy(n)
	}
}

func (p *progress) set(n int64) {
	if p.bar != nil {
		p.bar.SetCurrent(n)
	}
}

// resume says that an earlier attempt's bytes are kept.
func (p *progress) resume(have int64) {
	if p.w != nil {
		fmt.Fprintf(p.w, "resuming %s after %s\n", p.url, formatBytes(have))
	}
}

func (p *progress) retry(attempt, of int, err error, wait time.Duration) {
	if p.w != nil {
		fmt.Fprintf(p.w, "retrying %s in %v (attempt %d of %d): %v\n", p.url, wait.Round(time.Millisecond), attempt, of, err)
	}
}

func (p *progress) finish(ok bool) {
	if p.bar != nil {
		if ok {
			p.bar.SetTotal(-1, true)
		} else {
			p.bar.Abort(false)
		}
	}
	if p.own != nil {
		p.own.Wait()
	}
}

func formatBytes(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}
