package engine

import (
	"context"
	"errors"
	"io"
	"maps"
	"net"
	"slices"
	"sync"
	"syscall"
	"time"

	cerrdefs "github.com/containerd/errdefs"

	"github.com/moby/moby/api/types/build"
	"github.com/moby/moby/client"
)

// Build sends req.Context to the daemon and builds it, emitting events as the builder reports
// them. Cancelling ctx closes the stream, which makes the daemon stop the build; the legacy
// builder's container of the step in progress is then removed here as well, so nothing is
// left behind.
func (c *Client) Build(ctx context.Context, req BuildRequest, emit func(Event)) (BuildResult, error) {
	return c.build(ctx, req, emit, nil)
}

// build is Build, copying the raw response stream to record when it is not nil (the tests
// record real streams into testdata this way).
func (c *Client) build(ctx context.Context, req BuildRequest, emit func(Event), record io.Writer) (BuildResult, error) {
	start := time.Now()
	if emit == nil {
		emit = func(Event) {}
	}
	builder := req.Builder
	switch builder {
	case "", BuilderAuto:
		builder = c.deflt
	case BuilderBuildKit, BuilderLegacy:
	case BuilderBuildah:
		// Podman's answer to any request; a plain (version 1) request asks for nothing more.
		builder = BuilderLegacy
	default:
		return BuildResult{}, &UsageError{Msg: "unknown builder " + quote(string(builder))}
	}
	if req.Context == nil {
		return BuildResult{}, &UsageError{Msg: "no build context"}
	}
	c.removeLeftovers(ctx)
	dockerfile := req.Dockerfile
	if dockerfile == "" {
		dockerfile = defaultDockerfile
	}
	if err := checkDockerfile(req.Context, dockerfile); err != nil {
		return BuildResult{}, err
	}

	labels := make(map[string]string, len(req.Labels)+1)
	maps.Copy(labels, req.Labels)
	labels[LabelManaged] = "true"
	opts := client.ImageBuildOptions{
		Dockerfile:  dockerfile,
		Target:      req.Target,
		NoCache:     req.NoCache,
		Labels:      labels,
		Remove:      true,
		ForceRemove: true, // remove the intermediate container of a failed step too
		Version:     build.BuilderV1,
		NetworkMode: req.Network,
	}
	if req.Memory > 0 {
		// Swap as large as memory, as Run does: the limit is the limit, not a trip to disk.
		opts.Memory, opts.MemorySwap = req.Memory, req.Memory
	}
	if req.Tag != "" {
		opts.Tags = []string{req.Tag}
	}
	if builder == BuilderBuildKit {
		opts.Version = build.BuilderBuildKit
		opts.BuildID = randomID(kindBuild) // lets a cancel name the build to the daemon
	}

	// The context is tarred while it is sent; the goroutine ends when the tar is written or
	// the request stops reading it (closing pr below).
	pr, pw := io.Pipe()
	tarDone := make(chan error, 1)
	sent := &countingWriter{w: pw} // read only once tarDone has answered
	go func() {
		err := writeContext(sent, req.Context, dockerfile)
		pw.CloseWithError(err)
		tarDone <- err
	}()
	stopTar := func() error {
		pr.CloseWithError(errors.New("build request over"))
		return <-tarDone
	}

	resp, err := c.api.ImageBuild(ctx, pr, opts)
	if err != nil {
		tarErr := stopTar()
		switch {
		case tarErr != nil:
			return BuildResult{Builder: builder}, tarErr
		case ctx.Err() != nil:
			return BuildResult{Builder: builder}, ctx.Err()
		case client.IsErrConnectionFailed(err):
			return BuildResult{Builder: builder}, c.daemonError(ctx, err)
		}
		// The daemon refused the request itself (on some versions a Dockerfile syntax error
		// arrives this way rather than in the stream): the learner's problem, reported as such.
		berr := &BuildError{Msg: daemonMessage(err)}
		emit(Event{Kind: EventError, Text: berr.Msg})
		return BuildResult{Builder: builder}, berr
	}

	stopWatch := context.AfterFunc(ctx, func() {
		// Closing the body unblocks the decoder at once and drops the connection, which is
		// how the daemon learns that the build is cancelled. BuildKit is also told by ID.
		_ = resp.Body.Close()
		if opts.BuildID != "" {
			cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cleanupTimeout)
			defer cancel()
			_, _ = c.api.BuildCancel(cctx, opts.BuildID, client.BuildCancelOptions{})
		}
	})
	var body io.Reader = resp.Body
	if record != nil {
		body = io.TeeReader(body, record)
	}
	keys := make(map[string]bool, len(labels))
	for k := range labels {
		keys[k] = true
	}
	sum, err := decodeBuildStream(body, emit, decodeOptions{now: time.Now, labels: keys})
	stopWatch()
	_ = resp.Body.Close()
	_ = stopTar()

	res := BuildResult{
		ContextBytes: sent.n,
		ImageID:      sum.ImageID,
		Builder:      builder,
		Steps:        sum.Steps,
		CachedSteps:  sum.CachedSteps,
		Duration:     time.Since(start),
		StepLog:      sum.StepLog,
		StageImages:  sum.StageImages,
	}
	if sum.Builder != "" {
		res.Builder = sum.Builder // e.g. Podman answers a BuildKit request with buildah
	}
	if ctx.Err() != nil {
		c.removeBuildContainer(ctx, sum.container)
		return res, ctx.Err()
	}
	if lost := c.lostDuringBuild(ctx, err, res.ImageID, sum.container); lost != nil {
		emit(Event{Kind: EventError, Text: lost.Error()})
		return res, lost
	}
	if err != nil {
		return res, err
	}
	if res.ImageID == "" {
		return res, errors.New("the daemon ended the build without reporting an image")
	}
	return res, nil
}

// removeBuildContainer makes sure the legacy builder's intermediate container of a cancelled
// step is gone. The daemon removes it too (ForceRemove); whichever comes second gets "no such
// container" or "removal in progress", both fine. It waits, briefly, until it is really gone,
// since Build promises to leave nothing behind.
func (c *Client) removeBuildContainer(ctx context.Context, id string) {
	if id == "" {
		return
	}
	if found, _ := c.removeNow(ctx, id); !found {
		return // gone already; an error ("removal in progress") still waits below
	}
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cleanupTimeout)
	defer cancel()
	for cctx.Err() == nil {
		if _, err := c.api.ContainerInspect(cctx, id, client.ContainerInspectOptions{}); cerrdefs.IsNotFound(err) {
			return
		}
		select {
		case <-cctx.Done():
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// leftovers are the legacy builder's containers of builds the daemon died in: it keeps them
// (exited) when it comes back, and Build promises to leave nothing behind, so the next Build
// removes them.
type leftovers struct {
	mu  sync.Mutex
	ids []string
}

func (l *leftovers) add(id string) {
	if l == nil || id == "" {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if !slices.Contains(l.ids, id) {
		l.ids = append(l.ids, id)
	}
}

func (l *leftovers) take() []string {
	if l == nil {
		return nil
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	ids := l.ids
	l.ids = nil
	return ids
}

// removeLeftovers removes the containers of builds the daemon died in; those it still cannot
// remove stay on the list for the next time.
func (c *Client) removeLeftovers(ctx context.Context) {
	for _, id := range c.left.take() {
		if _, err := c.removeNow(ctx, id); err != nil {
			c.left.add(id)
		}
	}
}

// lostPingTimeout bounds the ping that tells a dead daemon from a stream that just ended: the
// learner must see the error within a second or so.
const lostPingTimeout = time.Second

// lostDuringBuild tells whether a build stream that broke off, or ended without an image, did
// so because the daemon went away, and if so returns the error that says it. A failure the
// builder reported (*BuildError) is the Dockerfile's, never the daemon's.
func (c *Client) lostDuringBuild(ctx context.Context, streamErr error, imageID, container string) *DaemonError {
	var be *BuildError
	if errors.As(streamErr, &be) || (streamErr == nil && imageID != "") {
		return nil
	}
	pctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), lostPingTimeout)
	defer cancel()
	_, perr := c.api.Ping(pctx, client.PingOptions{})
	switch {
	case perr != nil:
		c.left.add(container)
		if streamErr == nil {
			streamErr = errors.New("the build stream ended without an image")
		}
		return lostDaemonError(c.ep, streamErr)
	case brokenConnection(streamErr):
		// Back already (a quick restart): the build container can go now.
		c.removeBuildContainer(ctx, container)
		return lostDaemonError(c.ep, streamErr)
	}
	return nil
}

// brokenConnection recognises a stream cut off by the other end rather than ended by it.
func brokenConnection(err error) bool {
	return errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, syscall.ECONNRESET) ||
		errors.Is(err, syscall.EPIPE) || errors.Is(err, net.ErrClosed)
}

// countingWriter counts the bytes written through it: the build context's size as sent.
type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}
