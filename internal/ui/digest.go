package ui

import (
	"context"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/docktutor/docktutor/internal/engine"
)

// baseInfoMsg carries what the daemon says of a base image: its ID and RepoDigests.
type baseInfoMsg struct {
	ref   string
	found evidence[engine.ImageInfo]
}

// gatherBase asks the daemon about the base image a strategy ships on, once per session: a
// cheap inspect, not an export. scratch is no image.
func (d *lessonData) gatherBase(ref string) tea.Cmd {
	if d.c.eng == nil || ref == "" || ref == "scratch" {
		return nil
	}
	if _, ok := d.bases[ref]; ok {
		return nil // asked already: the answer is there, coming, or an error that says why
	}
	d.bases[ref] = evidence[engine.ImageInfo]{pending: true}
	eng, parent := d.c.eng, d.c.workCtx
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(parent, 30*time.Second)
		defer cancel()
		info, err := eng.Inspect(ctx, ref)
		return baseInfoMsg{ref, evidence[engine.ImageInfo]{value: info, err: err}}
	}
}

// applyBase records a base image's answer.
func (d *lessonData) applyBase(msg baseInfoMsg) { d.bases[msg.ref] = msg.found }

// baseLines says what the daemon knows of a base image: its ID, and its digest with the FROM
// line that pins it, or plainly that it has none (built or loaded here, as docktutor's
// stand-ins are). A tag moves with every release; the digest names these very bytes.
func baseLines(ref string, ev evidence[engine.ImageInfo], st Styles, width int) []string {
	head := st.Subtitle.Render("Base " + ref)
	switch {
	case ev.pending:
		return []string{wrapText(head+st.Muted.Render(" · asking the daemon…"), width)}
	case ev.err != nil:
		return []string{wrapText(head, width), st.Error.Render("✗ ") + wrapText("not on this daemon: "+oneLine(ev.err.Error()), width-2)}
	}
	info := ev.value
	lines := []string{wrapText(head+st.Muted.Render(" · ID "+shortID(info.ID)), width)}
	digest := repoDigest(ref, info.RepoDigests)
	if digest == "" {
		return append(lines, st.Warn.Render(wrapText("No digest: this image was built or loaded locally, not pulled, so no registry names its bytes; a pulled image's digest pins it: FROM "+ref+"@sha256:…", width)))
	}
	return append(lines,
		st.Muted.Render(ansi.Hardwrap("digest "+digest, width, true)),
		st.Muted.Render(wrapText("The tag "+ref+" moves with every release; this FROM line always means these bytes:", width)),
		ansi.Hardwrap("FROM "+pinned(ref, digest), width, true)) // a digest has no space to wrap at
}

// repoDigest picks the RepoDigest of the repository ref names ("golang@sha256:…" for
// golang:1.27), or the first one.
func repoDigest(ref string, digests []string) string {
	repo := repository(ref)
	for _, d := range digests {
		if r, _, _ := strings.Cut(d, "@"); r == repo || r == "docker.io/library/"+repo || r == "docker.io/"+repo {
			return d
		}
	}
	if len(digests) > 0 {
		return digests[0]
	}
	return ""
}

// pinned is ref with the digest added: golang:1.27@sha256:…, which keeps the tag for the reader
// and pulls exactly the digest.
func pinned(ref, repoDigest string) string {
	_, sum, ok := strings.Cut(repoDigest, "@")
	if !ok {
		return ref
	}
	if i := strings.IndexByte(ref, '@'); i >= 0 {
		ref = ref[:i]
	}
	return ref + "@" + sum
}

// shortID is an image ID as `docker images` shows it: 12 hex digits.
func shortID(id string) string {
	id = strings.TrimPrefix(id, "sha256:")
	if len(id) > 12 {
		return id[:12]
	}
	return id
}

// gatherBases asks about the base images of the strategy on screen and of the strategies
// given (a question's evidence).
func (s *lessonScreen) gatherBases(ids ...string) tea.Cmd {
	var cmds []tea.Cmd
	for _, id := range append([]string{s.data.strategy().ID}, ids...) {
		if st, ok := s.data.l.Strategy(id); ok {
			cmds = append(cmds, s.data.gatherBase(st.BaseImage()))
		}
	}
	return tea.Batch(cmds...)
}

// baseView is baseLines for a base image gathered or being gathered; "" before anyone asked.
func (d *lessonData) baseView(ref string, st Styles, width int) string {
	ev, ok := d.bases[ref]
	if !ok {
		return ""
	}
	return strings.Join(baseLines(ref, ev, st, width), "\n")
}

// baseEvidence is a question's evidence about a base image: what the daemon says, with the
// command that shows the same.
func baseEvidence(d *lessonData, ref string, st Styles, width int) string {
	if ref == "" || ref == "scratch" {
		return st.Muted.Render(wrapText("FROM scratch: no base image, nothing to pin.", width))
	}
	cmd := commandText(d.c.typed("docker image inspect -f '{{.Id}} {{.RepoDigests}}' "+ref), width, st)
	if d.c.eng == nil {
		return cmd + "\n" + st.Muted.Render(wrapText("Asking the daemon about "+ref+" needs Docker.", width))
	}
	if view := d.baseView(ref, st, width); view != "" {
		return cmd + "\n" + view
	}
	return cmd + "\n" + st.Muted.Render("  Asking the daemon…")
}
