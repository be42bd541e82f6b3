package engine

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/moby/moby/api/types/build"
	"github.com/moby/moby/client"
)

// The files of this package that import the Docker SDK (this one, build.go, run.go, inspect.go,
// clean.go, contents.go, probe.go, layers.go and doctor.go) convert its types into the engine's
// own: none leaves the package.

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
	return open(ctx, ep)
}

// open connects to the daemon at ep and pings it.
func open(ctx context.Context, ep Endpoint) (*Client, error) {
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
		Podman:            podman,
	}
	switch {
	case podman:
		info.Default = BuilderBuildah
	case advertised:
		info.Default = BuilderBuildKit
	}
	return info, nil
}

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

// withDefaultTimeout applies d unless ctx already has a deadline.
func withDefaultTimeout(ctx context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	if _, ok := ctx.Deadline(); ok {
		return context.WithCancel(ctx)
	}
	return context.WithTimeout(ctx, d)
}
