package install

import (
	"fmt"
	"io"
	"net/url"
	"path"
	"sync"
	"time"

	"github.com/vbauerster/mpb/v8"
	"github.com/vbauerster/mpb/v8/decor"
	"golang.org/x/term"
)

// DefaultReportEvery is how often a download without a terminal reports
// how far it got.
const DefaultReportEvery = 10 * time.Second

// Task is one download's place in the progress display after its bytes
// arrived: the caller shows the phases that follow (verifying, unpacking)
// on the same bar and ends it with Done. Set Downloader.Task to one to get
// it; a nil *Task does nothing.
type Task struct {
	mu    sync.Mutex
	phase string
	p     *progress
	done  bool
}

// Phase shows what the install is doing now, such as "verifying".
func (t *Task) Phase(name string) {
	if t == nil {
		return
	}
	t.mu.Lock()
	t.phase = name
	t.mu.Unlock()
}

func (t *Task) current() string {
	if t == nil {
		return ""
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.phase
}

// Done ends the task's bar (it leaves the display; failed ones too).
func (t *Task) Done(ok bool) {
	if t == nil {
		return
	}
	t.mu.Lock()
	p, already := t.p, t.done
	t.done = true
	t.mu.Unlock()
	if p != nil && !already {
		p.end(ok)
	}
}

// progress reports one download: a bar on a terminal (or in Bars), lines
// on any other writer, nothing when there is no writer.
type progress struct {
	w     io.Writer     // line mode writer, nil in bar mode or when silent
	own   *mpb.Progress // container made for this download, waited on at the end
	bars  *mpb.Progress
	bar   *mpb.Bar
	task  *Task
	url   string
	label string
	every time.Duration

	mu      sync.Mutex
	total   int64
	current int64
	began   time.Time
	stop    chan struct{}
}

func (d *Downloader) newProgress(rawURL string) *progress {
	p := &progress{url: rawURL, label: displayName(rawURL), task: d.Task, every: d.ReportEvery}
	if d.Label != "" {
		p.label = d.Label
	}
	if p.every <= 0 {
		p.every = DefaultReportEvery
	}
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
	if p.task != nil {
		p.task.mu.Lock()
		p.task.p = p
		p.task.mu.Unlock()
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
	p.mu.Lock()
	first := p.began.IsZero()
	if first {
		p.began = time.Now()
	}
	p.total, p.current = total, current
	p.mu.Unlock()
	if p.w != nil && first {
		size := ""
		if total >= 0 {
			size = " (" + formatBytes(total) + ")"
		}
		what := p.url
		if p.label != displayName(p.url) {
			what = p.label + " from " + p.url
		}
		fmt.Fprintf(p.w, "downloading %s%s\n", what, size)
		p.stop = make(chan struct{})
		go p.report(p.stop)
	}
	if p.bars == nil {
		return
	}
	if p.bar == nil {
		// Built with no total, so that reaching the size does not end the
		// bar: verifying and unpacking are shown on it until Task.Done.
		p.bar = p.bars.AddBar(0,
			mpb.BarRemoveOnComplete(),
			mpb.PrependDecorators(
				decor.Name(p.label, decor.WCSyncSpaceR),
				decor.Any(func(decor.Statistics) string { return p.task.current() }, decor.WCSyncSpaceR),
			),
			mpb.AppendDecorators(
				decor.CountersKibiByte("% .1f / % .1f", decor.WCSyncSpace),
				decor.AverageSpeed(decor.SizeB1024(0), "% .1f", decor.WCSyncSpace),
				decor.OnComplete(decor.AverageETA(decor.ET_STYLE_GO, decor.WCSyncSpace), ""),
				decor.Percentage(decor.WCSyncSpace),
			),
		)
	}
	if total >= 0 {
		p.bar.SetTotal(total, false)
	}
	p.bar.SetCurrent(current)
}

// report prints a line every p.every while the download runs (also while
// it stalls: the line says so by not moving).
func (p *progress) report(stop chan struct{}) {
	t := time.NewTicker(p.every)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
			p.mu.Lock()
			total, cur, began := p.total, p.current, p.began
			p.mu.Unlock()
			el := time.Since(began)
			rate := float64(cur) / el.Seconds()
			of := ""
			if total > 0 {
				of = fmt.Sprintf(" of %s (%d%%)", formatBytes(total), cur*100/total)
			}
			fmt.Fprintf(p.w, "still downloading %s: %s%s after %s, %s/s\n", p.label, formatBytes(cur), of, el.Round(time.Second), formatBytes(int64(rate)))
		}
	}
}

func (p *progress) add(n int) {
	p.mu.Lock()
	p.current += int64(n)
	p.mu.Unlock()
	if p.bar != nil {
		p.bar.IncrBy(n)
	}
}

func (p *progress) set(n int64) {
	p.mu.Lock()
	p.current = n
	p.mu.Unlock()
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

// finish is called when the bytes are all there (ok) or the download
// failed. With a Task, a successful download's bar stays for the phases
// that follow.
func (p *progress) finish(ok bool) {
	if p.stop != nil {
		close(p.stop)
		p.stop = nil
	}
	if p.w != nil && ok {
		p.mu.Lock()
		cur, el := p.current, time.Since(p.began)
		p.mu.Unlock()
		fmt.Fprintf(p.w, "downloaded %s: %s in %s\n", p.label, formatBytes(cur), el.Round(time.Millisecond))
	}
	if ok && p.task != nil {
		p.task.Phase("downloaded")
		p.task.mu.Lock()
		done := p.task.done
		p.task.mu.Unlock()
		if !done {
			return
		}
	}
	p.end(ok)
}

// end removes the bar (completed or aborted) and waits for an own container.
func (p *progress) end(ok bool) {
	if p.bar != nil {
		if ok {
			p.bar.SetTotal(-1, true)
		} else {
			p.bar.Abort(true)
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
