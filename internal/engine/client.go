package engine

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"maps"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/api/pkg/stdcopy"
	"github.com/moby/moby/api/types/build"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"
)

// This is the only file of docktutor that imports the Docker SDK. Its types stay here: every
// method converts them into the engine's own.

// pingTimeout bounds the first contact with the daemon when the caller's context has no
// deadline of its own: a TCP endpoint that never answers must not hang start-up.
const pingTimeout = 10 * time.Second

// cleanupTimeout bounds the clean-up calls made after a cancel, on a fresh context.
const cleanupTimeout = 10 * time.Second

// Client is an Engine backed by a real daemon through the Docker Engine API. It is safe for
// concurrent use: after New it is never modified (but for the leftovers list, which has its
// own lock).
type Client struct {
	api      *client.Client
	endpoint string
	deflt    Builder // what BuilderAuto means on this daemon, from the ping at New
	ep       Endpoint
	left     *leftovers // build containers a dead daemon kept us from removing
}

var _ Engine = (*Client)(nil)

// New connects to the daemon the environment names — DOCKER_HOST (with DOCKER_API_VERSION,
// DOCKER_CERT_PATH, DOCKER_TLS_VERIFY), else the docker CLI's current context (DOCKER_CONTEXT
// or the CLI's config.json), else the platform's default socket — negotiates the API version
// and pings it, so that a missing daemon is reported now, as a *DaemonError, rather than at
// the first build. It works with daemons from API 1.40 (Docker 19.03) up to the newest the
// SDK knows.
func New(ctx context.Context) (*Client, error) {
	// Docker Desktop on Linux, Colima, Rancher Desktop… select their daemon with a docker CLI
	// context rather than DOCKER_HOST; follow it as the docker CLI would.
	ep, err := ResolveEndpoint()
	if err != nil {
		return nil, err
	}
	opts, err := clientOptions(ep)
	if err != nil {
		return nil, unusableEndpoint(ep, err)
	}
	api, err := client.New(opts...)
	if err != nil {
		return nil, unusableEndpoint(ep, err)
	}
	c := &Client{api: api, endpoint: ep.Host, ep: ep, left: &leftovers{}}
	pctx, cancel := withDefaultTimeout(ctx, pingTimeout)
	defer cancel()
	// Negotiation is lazy in the SDK (first request); forcing it here also validates the
	// version before anything else runs.
	ping, err := api.Ping(pctx, client.PingOptions{NegotiateAPIVersion: true})
	if err != nil {
		_ = api.Close()
		return nil, c.daemonError(ctx, err)
	}
	c.deflt = BuilderLegacy
	if ping.BuilderVersion == build.BuilderBuildKit {
		c.deflt = BuilderBuildKit
	}
	return c, nil
}

// Close releases the client's idle connections.
func (c *Client) Close() error { return c.api.Close() }

// Endpoint is the daemon address the client talks to, e.g. unix:///var/run/docker.sock.
func (c *Client) Endpoint() string { return c.endpoint }

// Info describes the daemon, pinging it again so that a daemon gone since New is noticed.
func (c *Client) Info(ctx context.Context) (DaemonInfo, error) {
	ping, err := c.api.Ping(ctx, client.PingOptions{NegotiateAPIVersion: true})
	if err != nil {
		return DaemonInfo{}, c.daemonError(ctx, err)
	}
	v, err := c.api.ServerVersion(ctx, client.ServerVersionOptions{})
	if err != nil {
		return DaemonInfo{}, c.daemonError(ctx, err)
	}
	podman := strings.Contains(strings.ToLower(v.Platform.Name), "podman")
	for _, comp := range v.Components {
		podman = podman || strings.Contains(strings.ToLower(comp.Name), "podman")
	}
	advertised := ping.BuilderVersion == build.BuilderBuildKit
	info := DaemonInfo{
		Endpoint:          c.endpoint,
		Context:           c.ep.Context,
		ServerVersion:     v.Version,
		APIVersion:        c.api.ClientVersion(),
		OS:                v.Os,
		BuildKit:          advertised,
		BuildKitAvailable: advertised || (v.Os == "linux" && !podman),
		Default:           BuilderLegacy,
	}
	if advertised {
		info.Default = BuilderBuildKit
	}
	return info, nil
}

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
	what := req.Tag
	if what == "" {
		what = "image"
	}
	builder := req.Builder
	switch builder {
	case "", BuilderAuto:
		builder = c.deflt
	case BuilderBuildKit, BuilderLegacy:
	default:
		return BuildResult{}, &UsageError{Msg: "unknown builder " + quote(string(builder))}
	}
	if req.Context == nil {
		return BuildResult{}, &UsageError{Msg: "build " + what + ": no build context"}
	}
	c.removeLeftovers(ctx)
	dockerfile := req.Dockerfile
	if dockerfile == "" {
		dockerfile = defaultDockerfile
	}
	if err := checkDockerfile(req.Context, dockerfile); err != nil {
		return BuildResult{}, fmt.Errorf("build %s: %w", what, err)
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
	}
	if req.Tag != "" {
		opts.Tags = []string{req.Tag}
	}
	if builder == BuilderBuildKit {
		opts.Version = build.BuilderBuildKit
		opts.BuildID = randomID("build") // lets a cancel name the build to the daemon
	}

	// The context is tarred while it is sent; the goroutine ends when the tar is written or
	// the request stops reading it (closing pr below).
	pr, pw := io.Pipe()
	tarDone := make(chan error, 1)
	go func() {
		err := writeContext(pw, req.Context, dockerfile)
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
			return BuildResult{Builder: builder}, fmt.Errorf("build %s: %w", what, tarErr)
		case ctx.Err() != nil:
			return BuildResult{Builder: builder}, fmt.Errorf("build %s: %w", what, ctx.Err())
		case client.IsErrConnectionFailed(err):
			return BuildResult{Builder: builder}, fmt.Errorf("build %s: %w", what, c.daemonError(ctx, err))
		}
		// The daemon refused the request itself (on some versions a Dockerfile syntax error
		// arrives this way rather than in the stream): the learner's problem, reported as such.
		berr := &BuildError{Msg: daemonMessage(err)}
		emit(Event{Kind: EventError, Text: berr.Msg})
		return BuildResult{Builder: builder}, fmt.Errorf("build %s: %w", what, berr)
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
		ImageID:     sum.ImageID,
		Builder:     builder,
		Steps:       sum.Steps,
		CachedSteps: sum.CachedSteps,
		Duration:    time.Since(start),
		StepLog:     sum.StepLog,
	}
	if sum.Builder != "" {
		res.Builder = sum.Builder // e.g. Podman answers a BuildKit request with buildah
	}
	if ctx.Err() != nil {
		c.removeBuildContainer(ctx, sum.container)
		return res, fmt.Errorf("build %s: %w", what, ctx.Err())
	}
	if lost := c.lostDuringBuild(ctx, err, res.ImageID, sum.container); lost != nil {
		emit(Event{Kind: EventError, Text: lost.Error()})
		return res, fmt.Errorf("build %s: %w", what, lost)
	}
	if err != nil {
		return res, fmt.Errorf("build %s: %w", what, err)
	}
	if res.ImageID == "" {
		return res, fmt.Errorf("build %s: the daemon ended the build without reporting an image", what)
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
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cleanupTimeout)
	defer cancel()
	_, _ = c.api.ContainerRemove(cctx, id, client.ContainerRemoveOptions{Force: true})
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

// Inspect measures an image: its size as `docker image inspect` reports it, its history
// (oldest layer first) and its configuration.
func (c *Client) Inspect(ctx context.Context, ref string) (ImageInfo, error) {
	img, err := c.api.ImageInspect(ctx, ref)
	if err != nil {
		return ImageInfo{}, fmt.Errorf("inspect %s: %w", ref, c.wrap(ctx, err))
	}
	hist, err := c.api.ImageHistory(ctx, ref)
	if err != nil {
		return ImageInfo{}, fmt.Errorf("history of %s: %w", ref, c.wrap(ctx, err))
	}
	info := ImageInfo{
		ID:   img.ID,
		Tags: img.RepoTags,
		Size: img.Size,
	}
	if img.Config != nil {
		info.Entrypoint = img.Config.Entrypoint
		info.Cmd = img.Config.Cmd
		info.Labels = img.Config.Labels
	}
	if img.Created != "" {
		if t, err := time.Parse(time.RFC3339Nano, img.Created); err == nil {
			info.Created = t
		}
	}
	// The API lists history newest first; the layer stack reads better bottom-up.
	for i := len(hist.Items) - 1; i >= 0; i-- {
		h := hist.Items[i]
		info.Layers = append(info.Layers, Layer{
			CreatedBy: h.CreatedBy,
			Size:      h.Size,
			Empty:     h.Size == 0 && metadataOnly(h.CreatedBy),
		})
	}
	return info, nil
}

// Run creates a container from req.Image, starts it, waits for it to exit (killing it after
// req.Timeout), collects its output and removes it — always, also when ctx is cancelled or
// anything fails, using a fresh context for the removal.
func (c *Client) Run(ctx context.Context, req RunRequest) (res RunResult, err error) {
	timeout := req.Timeout
	if timeout <= 0 {
		timeout = DefaultRunTimeout
	}
	labels := make(map[string]string, len(req.Labels)+1)
	maps.Copy(labels, req.Labels)
	labels[LabelManaged] = "true"
	cfg := &container.Config{
		Image:      req.Image,
		Labels:     labels,
		Cmd:        req.Args,
		Entrypoint: req.Entrypoint,
	}
	hostCfg := &container.HostConfig{NetworkMode: container.NetworkMode(req.Network)}

	// A name of its own, so that a create cut short by a cancel can still be found and removed.
	name := randomID("run")
	created, err := c.api.ContainerCreate(ctx, client.ContainerCreateOptions{Config: cfg, HostConfig: hostCfg, Name: name})
	if err != nil {
		if ctx.Err() != nil {
			c.removeAbandoned(ctx, name)
			return RunResult{}, fmt.Errorf("run %s: %w", req.Image, ctx.Err())
		}
		return RunResult{}, fmt.Errorf("run %s: %w", req.Image, c.wrap(ctx, err))
	}
	id := created.ID
	defer func() {
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cleanupTimeout)
		defer cancel()
		_, rerr := c.api.ContainerRemove(rctx, id, client.ContainerRemoveOptions{Force: true, RemoveVolumes: true})
		if rerr != nil && !cerrdefs.IsNotFound(rerr) && err == nil {
			err = fmt.Errorf("run %s: remove container %.12s: %w", req.Image, id, rerr)
		}
	}()

	// Wait before start, with "next-exit", so that an instantly exiting process cannot be
	// missed.
	waitCtx, cancelWait := context.WithCancel(ctx)
	defer cancelWait()
	wait := c.api.ContainerWait(waitCtx, id, client.ContainerWaitOptions{Condition: container.WaitConditionNextExit})
	started := time.Now()
	if _, err := c.api.ContainerStart(ctx, id, client.ContainerStartOptions{}); err != nil {
		if ctx.Err() == nil && !client.IsErrConnectionFailed(err) {
			return RunResult{}, fmt.Errorf("run %s: %w", req.Image, &StartError{Image: req.Image, Reason: daemonMessage(err)})
		}
		return RunResult{}, fmt.Errorf("run %s: %w", req.Image, c.wrap(ctx, err))
	}

	timer := time.NewTimer(timeout)
	defer timer.Stop()
	var exit container.WaitResponse
	select {
	case exit = <-wait.Result:
	case err := <-wait.Error:
		return RunResult{}, fmt.Errorf("run %s: wait: %w", req.Image, c.wrap(ctx, err))
	case <-ctx.Done():
		return RunResult{}, fmt.Errorf("run %s: %w", req.Image, ctx.Err())
	case <-timer.C:
		res.TimedOut = true
		if _, err := c.api.ContainerKill(ctx, id, client.ContainerKillOptions{Signal: "KILL"}); err != nil && !cerrdefs.IsConflict(err) {
			return res, fmt.Errorf("run %s: kill after %s: %w", req.Image, timeout, c.wrap(ctx, err))
		}
		select {
		case exit = <-wait.Result:
		case err := <-wait.Error:
			return res, fmt.Errorf("run %s: wait: %w", req.Image, c.wrap(ctx, err))
		case <-ctx.Done():
			return res, fmt.Errorf("run %s: %w", req.Image, ctx.Err())
		}
	}
	res.Duration = time.Since(started)
	res.ExitCode = int(exit.StatusCode)

	logs, err := c.api.ContainerLogs(ctx, id, client.ContainerLogsOptions{ShowStdout: true, ShowStderr: true})
	if err != nil {
		return res, fmt.Errorf("run %s: logs: %w", req.Image, c.wrap(ctx, err))
	}
	defer logs.Close()
	out := &cappedBuffer{max: MaxRunOutput}
	// Without a TTY the daemon multiplexes stdout and stderr in frames; one writer for both
	// keeps them interleaved as delivered.
	if _, err := stdcopy.StdCopy(out, out, logs); err != nil && !errors.Is(err, errCapped) {
		return res, fmt.Errorf("run %s: read logs: %w", req.Image, c.wrap(ctx, err))
	}
	res.Output = out.String()
	res.Truncated = out.capped
	return res, nil
}

// Remove removes an image that docktutor built, and refuses (ErrNotManaged) any other: clean-up
// must never touch the learner's own images. A tag is untagged; the image goes with its last
// tag.
func (c *Client) Remove(ctx context.Context, ref string) error {
	img, err := c.api.ImageInspect(ctx, ref)
	if err != nil {
		return fmt.Errorf("remove %s: %w", ref, c.wrap(ctx, err))
	}
	if img.Config == nil || img.Config.Labels[LabelManaged] != "true" {
		return fmt.Errorf("remove %s: %w", ref, ErrNotManaged)
	}
	if _, err := c.api.ImageRemove(ctx, ref, client.ImageRemoveOptions{PruneChildren: true}); err != nil {
		return fmt.Errorf("remove %s: %w", ref, c.wrap(ctx, err))
	}
	return nil
}

// RemoveContainer force-removes a container that docktutor created (one a crash left behind),
// and refuses (ErrNotManaged) any other.
func (c *Client) RemoveContainer(ctx context.Context, id string) error {
	ctr, err := c.api.ContainerInspect(ctx, id, client.ContainerInspectOptions{})
	if err != nil {
		return fmt.Errorf("remove container %s: %w", id, c.wrap(ctx, err))
	}
	if ctr.Container.Config == nil || ctr.Container.Config.Labels[LabelManaged] != "true" {
		return fmt.Errorf("remove container %s: %w", id, ErrNotManaged)
	}
	if _, err := c.api.ContainerRemove(ctx, id, client.ContainerRemoveOptions{Force: true, RemoveVolumes: true}); err != nil {
		return fmt.Errorf("remove container %s: %w", id, c.wrap(ctx, err))
	}
	return nil
}

// ListManaged lists the images and containers carrying LabelManaged.
func (c *Client) ListManaged(ctx context.Context) (Managed, error) {
	filter := make(client.Filters).Add("label", LabelManaged+"=true")
	imgs, err := c.api.ImageList(ctx, client.ImageListOptions{Filters: filter})
	if err != nil {
		return Managed{}, fmt.Errorf("list images: %w", c.wrap(ctx, err))
	}
	ctrs, err := c.api.ContainerList(ctx, client.ContainerListOptions{All: true, Filters: filter})
	if err != nil {
		return Managed{}, fmt.Errorf("list containers: %w", c.wrap(ctx, err))
	}
	var m Managed
	for _, im := range imgs.Items {
		m.Images = append(m.Images, ManagedImage{
			ID: im.ID, Tags: im.RepoTags, Size: im.Size, Created: time.Unix(im.Created, 0), Labels: im.Labels,
		})
	}
	for _, ct := range ctrs.Items {
		name := ""
		if len(ct.Names) > 0 {
			name = strings.TrimPrefix(ct.Names[0], "/")
		}
		m.Containers = append(m.Containers, ManagedContainer{
			ID: ct.ID, Name: name, Image: ct.Image, State: string(ct.State), Labels: ct.Labels,
		})
	}
	return m, nil
}

// wrap turns a connection failure into a *DaemonError and leaves other errors as they are.
func (c *Client) wrap(ctx context.Context, err error) error {
	if client.IsErrConnectionFailed(err) {
		return c.daemonError(ctx, err)
	}
	return err
}

// daemonError explains a failure to reach or use the daemon in words a learner can act on.
func (c *Client) daemonError(ctx context.Context, err error) error {
	if errors.Is(err, context.Canceled) && ctx.Err() != nil {
		return err // the caller gave up; nothing to explain (a deadline, though, is the daemon's)
	}
	// The wording lives in errors.go, shared with docktutor doctor.
	return explainDaemonError(c.ep, err, client.IsErrConnectionFailed(err), client.MinAPIVersion)
}

// daemonMessage strips the SDK's "Error response from daemon: " prefix: the daemon's own words
// are what the learner needs.
func daemonMessage(err error) string {
	return strings.TrimSpace(strings.TrimPrefix(err.Error(), "Error response from daemon: "))
}

// metadataOnly says whether a history entry's instruction only changes the image config, so
// that a zero size means "no layer" rather than "an empty layer". Legacy entries read
// "/bin/sh -c #(nop)  ENV A=b", BuildKit ones "ENV A=b".
func metadataOnly(createdBy string) bool {
	s := strings.TrimSpace(createdBy)
	s = strings.TrimSpace(strings.TrimPrefix(s, "/bin/sh -c"))
	s = strings.TrimSpace(strings.TrimPrefix(s, "#(nop)"))
	word, _, _ := strings.Cut(s, " ")
	switch strings.ToUpper(word) {
	case "ENV", "CMD", "ENTRYPOINT", "LABEL", "EXPOSE", "USER", "ARG", "STOPSIGNAL",
		"HEALTHCHECK", "SHELL", "VOLUME", "ONBUILD", "MAINTAINER":
		return true
	}
	return false
}

// errCapped stops copying logs once MaxRunOutput is reached.
var errCapped = errors.New("output limit reached")

// cappedBuffer keeps at most max bytes.
type cappedBuffer struct {
	strings.Builder
	max    int
	capped bool
}

func (b *cappedBuffer) Write(p []byte) (int, error) {
	room := b.max - b.Len()
	if len(p) > room {
		b.Builder.Write(p[:max(room, 0)])
		b.capped = true
		return max(room, 0), errCapped
	}
	return b.Builder.Write(p)
}

// withDefaultTimeout applies d unless ctx already has a deadline.
func withDefaultTimeout(ctx context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	if _, ok := ctx.Deadline(); ok {
		return context.WithCancel(ctx)
	}
	return context.WithTimeout(ctx, d)
}

// randomID names one thing docktutor asks the daemon for, by kind and never twice:
// docktutor-run-<random> for a run container, docktutor-build-<random> for a build.
func randomID(kind string) string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return "docktutor-" + kind + "-" + hex.EncodeToString(b[:])
}

// ---------------------------------------------------------------------------------------------
// Endpoints, failures and diagnosis (docktutor doctor and clean). Everything below converts SDK
// types into the engine's own, like the rest of this file.
// ---------------------------------------------------------------------------------------------

func init() { platformDefaultHost = client.DefaultDockerHost }

// EndpointInfo is the endpoint the client talks to and how it was chosen.
func (c *Client) EndpointInfo() Endpoint { return c.ep }

// clientOptions configures the SDK for ep: the environment's settings (DOCKER_API_VERSION,
// DOCKER_CERT_PATH, DOCKER_TLS_VERIFY) apply as the docker CLI applies them, a named context
// brings its address and certificates, and ssh:// goes through `docker system dial-stdio` on
// the remote host, as the CLI's connection helper does.
func clientOptions(ep Endpoint) ([]client.Opt, error) {
	if strings.HasPrefix(ep.Host, "ssh://") {
		dial, err := sshDialer(ep.Host)
		if err != nil {
			return nil, err
		}
		// The client keeps its default unix address for the URLs it writes; every connection
		// is an ssh process, and no HTTP proxy may come between.
		hc := &http.Client{Transport: &http.Transport{DialContext: dial, MaxIdleConns: 6, IdleConnTimeout: 30 * time.Second}}
		return []client.Opt{client.WithAPIVersionFromEnv(), client.WithHTTPClient(hc)}, nil
	}
	opts := []client.Opt{client.FromEnv}
	if ep.Source != SourceDockerHost {
		opts = append(opts, client.WithHost(ep.Host))
	}
	switch {
	case ep.SkipTLSVerify:
		// The context's client certificate, no check of the server's: what the CLI does.
		cfg := &tls.Config{InsecureSkipVerify: true, MinVersion: tls.VersionTLS12} //nolint:gosec // the user's own setting
		if ep.TLS != nil && ep.TLS.Cert != "" && ep.TLS.Key != "" {
			cert, err := tls.LoadX509KeyPair(ep.TLS.Cert, ep.TLS.Key)
			if err != nil {
				return nil, fmt.Errorf("context %q: %w", ep.Context, err)
			}
			cfg.Certificates = []tls.Certificate{cert}
		}
		// WithHost (after this) keeps the transport's TLS settings and makes the scheme https.
		hc := &http.Client{Transport: &http.Transport{TLSClientConfig: cfg}}
		opts = append([]client.Opt{client.FromEnv, client.WithHTTPClient(hc)}, client.WithHost(ep.Host))
	case ep.TLS != nil:
		opts = append(opts, client.WithTLSClientConfig(ep.TLS.CA, ep.TLS.Cert, ep.TLS.Key))
	}
	return opts, nil
}

// unusableEndpoint explains an address the SDK refuses before any contact.
func unusableEndpoint(ep Endpoint, err error) *DaemonError {
	de := &DaemonError{Endpoint: ep.Host, Context: ep.Context, Err: err}
	de.Problem = ep.String() + " is not a usable Docker address (" + err.Error() + ")"
	de.Fix = "fix it" + switchAdvice(ep)
	de.Hint = de.Problem + " — " + de.Fix
	return de
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
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cleanupTimeout)
		_, err := c.api.ContainerRemove(cctx, id, client.ContainerRemoveOptions{Force: true, RemoveVolumes: true})
		cancel()
		if err != nil && !cerrdefs.IsNotFound(err) {
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

// systemFacts reads what docktutor doctor reports about the daemon beyond DaemonInfo.
func (c *Client) systemFacts(ctx context.Context) (systemFacts, error) {
	res, err := c.api.Info(ctx, client.InfoOptions{})
	if err != nil {
		return systemFacts{}, c.wrap(ctx, err)
	}
	i := res.Info
	return systemFacts{
		Name:            i.Name,
		OperatingSystem: i.OperatingSystem,
		Architecture:    i.Architecture,
		StorageDriver:   i.Driver,
		RootDir:         i.DockerRootDir,
		Images:          i.Images,
	}, nil
}

// imageStatus says whether ref is present and, when it is, its size and whether it is one of
// docktutor's offline test stand-ins (labelled io.docktutor.fixture=standin by .ci/standins).
func (c *Client) imageStatus(ctx context.Context, ref string) (ImageStatus, error) {
	st := ImageStatus{Ref: ref}
	img, err := c.api.ImageInspect(ctx, ref)
	if cerrdefs.IsNotFound(err) {
		return st, nil
	}
	if err != nil {
		return st, c.wrap(ctx, err)
	}
	st.Present, st.Size = true, img.Size
	if img.Config != nil {
		st.StandIn = img.Config.Labels[labelFixture] == "standin"
	}
	return st, nil
}

// ImageSpace maps the ID of every image to the bytes that image alone holds: its size less the
// layers it shares with other images, as the daemon's disk-usage report (docker system df -v)
// counts them. Removing the image frees at least that much.
func (c *Client) ImageSpace(ctx context.Context) (map[string]int64, error) {
	du, err := c.api.DiskUsage(ctx, client.DiskUsageOptions{Images: true, Verbose: true})
	if err != nil {
		return nil, fmt.Errorf("disk usage: %w", c.wrap(ctx, err))
	}
	out := make(map[string]int64, len(du.Images.Items))
	for _, im := range du.Images.Items {
		own := im.Size
		if im.SharedSize > 0 {
			own -= im.SharedSize
		}
		out[im.ID] = max(own, 0)
	}
	return out, nil
}

// UntaggedUnmanaged lists the IDs of the untagged ("dangling") images that do not carry
// LabelManaged: docktutor's legacy builds leave their stages' images this way, but so do
// everyone else's, and clean-up never touches what it cannot prove is docktutor's.
func (c *Client) UntaggedUnmanaged(ctx context.Context) ([]string, error) {
	imgs, err := c.api.ImageList(ctx, client.ImageListOptions{Filters: make(client.Filters).Add("dangling", "true")})
	if err != nil {
		return nil, fmt.Errorf("list untagged images: %w", c.wrap(ctx, err))
	}
	var ids []string
	for _, im := range imgs.Items {
		if im.Labels[LabelManaged] != "true" {
			ids = append(ids, im.ID)
		}
	}
	return ids, nil
}

// ---------------------------------------------------------------------------------------------
// Contents (contents.go): the SDK calls that read an image's filesystem through a container that
// is created but never started.

// createForExport creates, without starting it, a container of ref named name and carrying
// LabelManaged, so that its filesystem can be exported. The daemon never pulls here: a missing
// image is an error.
func (c *Client) createForExport(ctx context.Context, ref, name string) (string, error) {
	cfg := &container.Config{
		Image:  ref,
		Labels: map[string]string{LabelManaged: "true"},
		// Never run. The daemon refuses to create a container without a command, which an
		// image with neither CMD nor ENTRYPOINT (a builder stage, distroless static) lacks.
		Cmd: []string{"/nonexistent"},
	}
	created, err := c.api.ContainerCreate(ctx, client.ContainerCreateOptions{Config: cfg, Name: name})
	if err != nil {
		return "", c.wrap(ctx, err)
	}
	return created.ID, nil
}

// exportContainer streams a container's root filesystem as a tar. The caller closes it;
// cancelling ctx closes it too.
func (c *Client) exportContainer(ctx context.Context, id string) (io.ReadCloser, error) {
	rc, err := c.api.ContainerExport(ctx, id, client.ContainerExportOptions{})
	if err != nil {
		return nil, c.wrap(ctx, err)
	}
	return rc, nil
}

// removeAbandoned removes the container named name whose create request was cancelled. The
// daemon may still be creating it when the client gives up, so a container not found yet is
// looked for again, for a short while.
func (c *Client) removeAbandoned(ctx context.Context, name string) {
	deadline := time.Now().Add(abandonedWait)
	for {
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cleanupTimeout)
		_, err := c.api.ContainerRemove(rctx, name, client.ContainerRemoveOptions{Force: true, RemoveVolumes: true})
		cancel()
		if err == nil || !cerrdefs.IsNotFound(err) || time.Now().After(deadline) {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// abandonedWait is how long removeAbandoned looks for a container that may still appear.
const abandonedWait = 2 * time.Second

// removeNow force-removes the container idOrName (an ID or a name) on a fresh, short context,
// so that it goes also when ctx was cancelled. A container already gone is no error.
func (c *Client) removeNow(ctx context.Context, idOrName string) error {
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cleanupTimeout)
	defer cancel()
	_, err := c.api.ContainerRemove(rctx, idOrName, client.ContainerRemoveOptions{Force: true, RemoveVolumes: true})
	if err != nil && !cerrdefs.IsNotFound(err) {
		return c.wrap(rctx, err)
	}
	return nil
}
