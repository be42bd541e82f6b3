package engine

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// EndpointSource says what chose the daemon address docktutor talks to.
type EndpointSource string

// The sources, in the order the docker CLI consults them.
const (
	// SourceDockerHost: the DOCKER_HOST environment variable (the CLI's default context then).
	SourceDockerHost EndpointSource = "DOCKER_HOST"
	// SourceDockerContext: a context named by the DOCKER_CONTEXT environment variable.
	SourceDockerContext EndpointSource = "DOCKER_CONTEXT"
	// SourceConfig: the current context set by `docker context use`, kept in config.json.
	SourceConfig EndpointSource = "config.json"
	// SourceDefault: nothing chose; the platform's default socket.
	SourceDefault EndpointSource = "default"
)

// TLSFiles are the client certificate files of a docker CLI context, each "" when absent.
type TLSFiles struct {
	CA, Cert, Key string
}

// Endpoint is the daemon address docktutor uses and how it was chosen, resolved as the docker
// CLI resolves it: DOCKER_HOST, then DOCKER_CONTEXT, then the current context of the CLI's
// config.json, then the platform default. Every message about the daemon names it, so a
// learner with several daemons (Docker Desktop, colima, rootless, Podman) sees which one.
type Endpoint struct {
	// Host is the address: unix:///var/run/docker.sock, tcp://host:2376, ssh://user@host…
	Host string
	// Context is the docker CLI context in use: "default" unless a named context chose Host.
	Context string
	// Source is what chose Host.
	Source EndpointSource
	// ConfigDir is the docker CLI configuration folder consulted ($DOCKER_CONFIG or ~/.docker).
	ConfigDir string
	// TLS holds the named context's certificate files, nil without any.
	TLS *TLSFiles
	// SkipTLSVerify is the named context's "skip TLS verification" setting.
	SkipTLSVerify bool
	// Warning reports a problem in the docker CLI's configuration that resolution worked
	// around (a config.json that does not parse), "" when there is none.
	Warning string
}

// String names the address and the context, e.g.
// `unix:///var/run/docker.sock (context "default")` or
// `unix:///home/ada/.colima/default/docker.sock (context "colima", from DOCKER_CONTEXT)`.
func (e Endpoint) String() string {
	ctx := e.Context
	if ctx == "" {
		ctx = defaultContext
	}
	s := e.Host + " (context " + strconv.Quote(ctx)
	switch e.Source {
	case SourceDockerHost:
		s += ", from DOCKER_HOST"
	case SourceDockerContext:
		s += ", from DOCKER_CONTEXT"
	case SourceConfig:
		s += ", the current docker context"
	}
	return s + ")"
}

// SocketPath returns the file of a unix:// endpoint, and false for any other kind.
func (e Endpoint) SocketPath() (string, bool) {
	p, ok := strings.CutPrefix(e.Host, "unix://")
	return p, ok && p != ""
}

// platformDefaultHost is the daemon address used when nothing names one; client.go sets it
// from the SDK, which knows each platform's socket or pipe.
var platformDefaultHost = "unix:///var/run/docker.sock"

// ResolveEndpoint finds the daemon the environment names, as the docker CLI would. It fails
// with a *DaemonError (naming the context and what to do) when the context chosen by
// DOCKER_CONTEXT or config.json does not exist or cannot be read; it never contacts a daemon.
func ResolveEndpoint() (Endpoint, error) {
	home, _ := os.UserHomeDir() // no home: no CLI configuration, the default applies
	return resolveEndpoint(os.Getenv, home)
}

func resolveEndpoint(getenv func(string) string, home string) (Endpoint, error) {
	cfg := cliConfig{dir: configDir(getenv, home)}
	ep := Endpoint{Context: defaultContext, Source: SourceDefault, ConfigDir: cfg.dir, Host: platformDefaultHost}

	// DOCKER_HOST wins over any context: the CLI then uses its default context, whose address
	// is DOCKER_HOST.
	if h := getenv("DOCKER_HOST"); h != "" {
		ep.Host, ep.Source = h, SourceDockerHost
		return ep, nil
	}
	name, source := getenv("DOCKER_CONTEXT"), SourceDockerContext
	if name == "" {
		var err error
		name, ep.Warning, err = cfg.currentContext()
		if err != nil {
			return ep, contextError(ep, "", SourceConfig, err)
		}
		source = SourceConfig
	}
	if name == "" || name == defaultContext {
		return ep, nil
	}
	c, err := cfg.context(name)
	if err != nil {
		return ep, contextError(ep, name, source, err)
	}
	ep.Host, ep.Context, ep.Source = c.Host, c.Name, source
	ep.TLS, ep.SkipTLSVerify = c.TLS, c.SkipTLSVerify
	return ep, nil
}

// contextError explains a context that cannot be used, naming where its name came from.
func contextError(ep Endpoint, name string, source EndpointSource, err error) *DaemonError {
	de := &DaemonError{Endpoint: "docker context " + strconv.Quote(name), Context: name, Err: err}
	where := "the current docker context " + strconv.Quote(name) + " (set in " + filepath.Join(ep.ConfigDir, "config.json") + ")"
	fix := "pick one that exists with docker context use NAME (see docker context ls), or set DOCKER_HOST"
	if source == SourceDockerContext {
		where = "docker context " + strconv.Quote(name) + " (from DOCKER_CONTEXT)"
		fix = "unset DOCKER_CONTEXT or set it to one of docker context ls, or set DOCKER_HOST"
	}
	switch {
	case name == "":
		de.Problem = "cannot read the docker CLI's configuration: " + err.Error()
		fix = "fix or remove " + filepath.Join(ep.ConfigDir, "config.json") + ", or set DOCKER_HOST"
	case errors.Is(err, errNoContext):
		de.Problem = where + " does not exist in " + filepath.Join(ep.ConfigDir, "contexts")
	default:
		de.Problem = "cannot read " + where + ": " + err.Error()
	}
	de.Fix = fix
	de.Hint = de.Problem + " — " + de.Fix
	return de
}

// SocketCandidate is a daemon socket that exists on this machine.
type SocketCandidate struct {
	Host string // e.g. unix:///run/user/1000/docker.sock
	What string // e.g. "rootless Docker"
}

// FindSockets lists the well-known daemon sockets that exist on this machine — the system
// Docker daemon, rootless Docker, Podman, Docker Desktop, colima, Rancher Desktop, OrbStack —
// so that a learner whose daemon does not answer learns which others there are. Only the
// file's existence is checked: nothing is contacted.
func FindSockets() []SocketCandidate {
	home, _ := os.UserHomeDir()
	return findSockets(os.Getenv, home, os.Getuid())
}

func findSockets(getenv func(string) string, home string, uid int) []SocketCandidate {
	runtimeDir := getenv("XDG_RUNTIME_DIR")
	if runtimeDir == "" && uid > 0 {
		runtimeDir = "/run/user/" + strconv.Itoa(uid)
	}
	type cand struct{ path, what string }
	cands := []cand{{"/var/run/docker.sock", "the system Docker daemon"}}
	if runtimeDir != "" {
		cands = append(cands,
			cand{filepath.Join(runtimeDir, "docker.sock"), "rootless Docker"},
			cand{filepath.Join(runtimeDir, "podman", "podman.sock"), "Podman, rootless (podman system service)"})
	}
	cands = append(cands, cand{"/run/podman/podman.sock", "Podman (podman.socket)"})
	if home != "" {
		cands = append(cands,
			cand{filepath.Join(home, ".docker", "desktop", "docker.sock"), "Docker Desktop"},
			cand{filepath.Join(home, ".docker", "run", "docker.sock"), "Docker Desktop"},
			cand{filepath.Join(home, ".colima", "default", "docker.sock"), "colima"},
			cand{filepath.Join(home, ".colima", "docker.sock"), "colima"},
			cand{filepath.Join(home, ".rd", "docker.sock"), "Rancher Desktop"},
			cand{filepath.Join(home, ".orbstack", "run", "docker.sock"), "OrbStack"})
	}
	var out []SocketCandidate
	seen := map[string]bool{}
	for _, c := range cands {
		// /var/run is a link to /run on most systems: one socket, one suggestion.
		real, err := filepath.EvalSymlinks(c.path)
		if err != nil || seen[real] {
			continue
		}
		if st, err := os.Stat(real); err == nil && st.Mode()&os.ModeSocket != 0 {
			seen[real] = true
			out = append(out, SocketCandidate{Host: "unix://" + c.path, What: c.what})
		}
	}
	return out
}

// otherSockets is FindSockets without the endpoint already tried.
func otherSockets(ep Endpoint) []SocketCandidate {
	tried, _ := ep.SocketPath()
	if real, err := filepath.EvalSymlinks(tried); err == nil {
		tried = real
	}
	var out []SocketCandidate
	for _, c := range FindSockets() {
		p := strings.TrimPrefix(c.Host, "unix://")
		if real, err := filepath.EvalSymlinks(p); err == nil {
			p = real
		}
		if p != tried {
			out = append(out, c)
		}
	}
	return out
}

// suggestSockets turns candidates into the tail of a hint: "; found unix:///… (rootless
// Docker): DOCKER_HOST=unix:///… docktutor".
func suggestSockets(cands []SocketCandidate) string {
	if len(cands) == 0 {
		return ""
	}
	parts := make([]string, len(cands))
	for i, c := range cands {
		parts[i] = fmt.Sprintf("%s (%s)", c.Host, c.What)
	}
	return "; other daemon sockets here: " + strings.Join(parts, ", ") +
		" — to use one: DOCKER_HOST=" + cands[0].Host + " docktutor"
}
