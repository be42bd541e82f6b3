package engine

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"strings"
	"syscall"
	"time"

	cerrdefs "github.com/containerd/errdefs"

	"github.com/moby/moby/client"
)

// CheckStatus is the verdict of one doctor check.
type CheckStatus string

// The verdicts. Only CheckFail stops lessons from running.
const (
	CheckPass CheckStatus = "pass"
	CheckWarn CheckStatus = "warn" // lessons run, but something will surprise the learner
	CheckFail CheckStatus = "fail" // lessons cannot build until it is fixed
	CheckSkip CheckStatus = "skip" // not checked: an earlier check failed
)

// Check is one line of a diagnosis: what was checked, the verdict, what was found and, unless
// it passed, one line saying what to do.
type Check struct {
	Name   string      `json:"name"`
	Status CheckStatus `json:"status"`
	Detail string      `json:"detail"`
	Fix    string      `json:"fix"`
}

// Diagnosis is what Diagnose found, in the order a learner fixes things: the endpoint, the
// socket, the daemon, then what the daemon offers. OK says the lessons can run.
type Diagnosis struct {
	Checks []Check `json:"checks"`
	OK     bool    `json:"ok"`
}

// DoctorOptions says what the lessons need of a daemon.
type DoctorOptions struct {
	// BaseImages are the images the lessons' Dockerfiles start FROM or COPY --from, each once.
	BaseImages []string
}

// ImageStatus says whether an image is on the daemon.
type ImageStatus struct {
	Ref     string
	Present bool
	Size    int64
	// StandIn marks docktutor's offline test stand-ins (made by .ci/standins, labelled
	// io.docktutor.fixture=standin): present, but not the real image.
	StandIn bool
}

// labelFixture marks images docktutor's CI made as stand-ins for the lessons' base images.
const labelFixture = LabelFixture

// Free disk thresholds of the daemon's data root: below diskFail a lesson's builds fail with
// "no space left on device"; below diskWarn pulling the lessons' base images (about 2 GB for
// the full set) and building every strategy may not fit.
const (
	diskFail = 2 << 30
	diskWarn = 5 << 30
)

// systemFacts is what doctor reports of the daemon beyond DaemonInfo.
type systemFacts struct {
	Name            string // the daemon's host name
	OperatingSystem string // e.g. Debian GNU/Linux 12 (bookworm), Docker Desktop
	Architecture    string
	StorageDriver   string // e.g. overlay2
	RootDir         string // the daemon's data root, e.g. /var/lib/docker
	Images          int
}

// Diagnose checks everything a lesson needs of the daemon the environment names, without
// changing anything, and says what to do about each problem. It never fails: a daemon that
// does not answer is a failed check, and the checks that need it are skipped.
func Diagnose(ctx context.Context, opts DoctorOptions) (d Diagnosis) {
	add := func(c Check) { d.Checks = append(d.Checks, c) }
	skipRest := func(why string) {
		for _, name := range []string{"api", "builders", "storage", "disk"} {
			add(Check{Name: name, Status: CheckSkip, Detail: why})
		}
		for _, ref := range opts.BaseImages {
			add(Check{Name: "image " + ref, Status: CheckSkip, Detail: why})
		}
	}
	defer func() { d.OK = ok(d.Checks) }() // d is the named result: every return gets its verdict

	ep, err := ResolveEndpoint()
	if err != nil {
		de := asDaemonError(err)
		add(Check{Name: "endpoint", Status: CheckFail, Detail: de.Problem, Fix: de.Fix})
		add(Check{Name: "socket", Status: CheckSkip, Detail: "no endpoint"})
		add(Check{Name: "daemon", Status: CheckSkip, Detail: "no endpoint"})
		skipRest("no endpoint")
		return d
	}
	epCheck := Check{Name: "endpoint", Status: CheckPass, Detail: ep.String()}
	if ep.Warning != "" {
		epCheck.Status, epCheck.Detail = CheckWarn, ep.String()+"; "+ep.Warning
		epCheck.Fix = "fix " + ep.ConfigDir + "/config.json so that the docker CLI reads it too"
	}
	add(epCheck)
	sock := checkSocket(ep)
	add(sock)

	c, err := New(ctx)
	if err != nil {
		de := asDaemonError(err)
		dc := Check{Name: "daemon", Status: CheckFail, Detail: de.Problem, Fix: de.Fix}
		if sock.Status == CheckFail {
			dc.Fix = "" // the socket check above already says what to do
		}
		add(dc)
		skipRest("no daemon")
		return d
	}
	defer c.Close()
	info, err := c.Info(ctx)
	if err != nil {
		de := asDaemonError(err)
		add(Check{Name: "daemon", Status: CheckFail, Detail: de.Problem, Fix: de.Fix})
		skipRest("no daemon")
		return d
	}
	facts, err := c.systemFacts(ctx)
	if err != nil {
		de := asDaemonError(err)
		add(Check{Name: "daemon", Status: CheckFail, Detail: "the daemon answers a ping but not /info: " + de.Problem, Fix: de.Fix})
		skipRest("no daemon")
		return d
	}
	for _, chk := range daemonChecks(info, facts) {
		add(chk)
	}
	add(diskCheck(ep, facts))
	for _, ref := range opts.BaseImages {
		st, err := c.imageStatus(ctx, ref)
		add(imageCheck(st, err))
	}
	return d
}

// ok says whether the lessons can run: no check failed.
func ok(checks []Check) bool {
	for _, c := range checks {
		if c.Status == CheckFail {
			return false
		}
	}
	return true
}

// asDaemonError makes sure an error has a problem and a fix to show.
func asDaemonError(err error) *DaemonError {
	var de *DaemonError
	if errors.As(err, &de) {
		if de.Problem == "" {
			de.Problem = de.Error()
		}
		return de
	}
	return &DaemonError{Err: err, Problem: err.Error(), Hint: err.Error()}
}

// checkSocket tries to open the endpoint's connection the way the client will: a unix socket
// must exist, be a socket and accept this user; a TCP address must accept a connection. Other
// kinds (ssh, named pipes) are left to the daemon check.
func checkSocket(ep Endpoint) Check {
	c := Check{Name: "socket"}
	path, isUnix := ep.SocketPath()
	if !isUnix {
		addr, isTCP := strings.CutPrefix(ep.Host, "tcp://")
		if !isTCP {
			c.Status, c.Detail = CheckSkip, "not a local socket; the daemon check below covers "+ep.Host
			return c
		}
		addr, _, _ = strings.Cut(addr, "/")
		conn, err := net.DialTimeout("tcp", addr, 3*time.Second)
		if err != nil {
			de := explainDaemonError(ep, err, false, "")
			c.Status, c.Detail, c.Fix = CheckFail, de.Problem+" ("+err.Error()+")", de.Fix
			return c
		}
		_ = conn.Close()
		c.Status, c.Detail = CheckPass, addr+" accepts connections"
		return c
	}
	st, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		de := explainDaemonError(ep, err, true, "")
		c.Status, c.Detail, c.Fix = CheckFail, "no socket at "+path+": Docker is not running there", de.Fix
		return c
	case err != nil:
		de := explainDaemonError(ep, err, false, "")
		c.Status, c.Detail, c.Fix = CheckFail, de.Problem, de.Fix
		return c
	case st.Mode()&fs.ModeSocket == 0:
		c.Status, c.Detail = CheckFail, path+" exists but is not a socket ("+st.Mode().String()+")"
		c.Fix = "point DOCKER_HOST at the daemon's socket (docker context inspect shows it)"
		return c
	}
	conn, err := net.DialTimeout("unix", path, 3*time.Second)
	if err != nil {
		de := explainDaemonError(ep, err, false, "")
		c.Status, c.Fix = CheckFail, de.Fix
		c.Detail = de.Problem
		if errors.Is(err, syscall.ECONNREFUSED) {
			c.Detail = "nothing listens on " + path + " (a socket left by a daemon that stopped)"
		}
		return c
	}
	_ = conn.Close()
	c.Status, c.Detail = CheckPass, "you may open "+path+socketOwner(ep)
	return c
}

// daemonChecks judges what the daemon reports: version, API, builders, storage driver.
func daemonChecks(info DaemonInfo, f systemFacts) []Check {
	podman := info.Podman
	what := "Docker Engine " + info.ServerVersion
	if podman {
		what = "Podman (Docker-compatible API) " + info.ServerVersion
	}
	platform := strings.Trim(info.OS+"/"+f.Architecture, "/")
	if f.OperatingSystem != "" {
		platform += ", " + f.OperatingSystem
	}
	checks := []Check{
		{Name: "daemon", Status: CheckPass, Detail: what + " (" + platform + ")"},
		{Name: "api", Status: CheckPass, Detail: "API " + info.APIVersion + " negotiated"},
	}

	b := Check{Name: "builders", Status: CheckPass}
	switch {
	case info.BuildKit:
		b.Detail = "BuildKit (the default here) and the legacy builder"
	case info.BuildKitAvailable:
		b.Detail = "the legacy builder (the default here) and BuildKit (docktutor asks for it by name)"
	case podman:
		// Supported: buildah's steps, cache hits and stages are decoded like Docker's builders'
		// (decode_buildah.go). What differs is said, not warned about.
		b.Detail = "buildah, Podman's builder, whichever builder is asked for (--builder changes nothing): " +
			"steps, cache hits and stages show as with Docker; like BuildKit it skips the stages a target does not need; " +
			"each step's layer stays in Podman's build cache as an untagged image, which `podman image prune` removes"
	default:
		b.Status, b.Detail = CheckWarn, "the legacy builder only: BuildKit strategies are not available on "+info.OS
		b.Fix = "use a Linux Docker Engine for the BuildKit comparisons"
	}
	checks = append(checks, b)

	s := Check{Name: "storage", Status: CheckPass, Detail: f.StorageDriver}
	switch f.StorageDriver {
	case "":
		s.Status, s.Detail = CheckWarn, "the daemon does not say which storage driver it uses"
	case "vfs":
		s.Status = CheckWarn
		s.Detail = "vfs: every layer is a full copy, so builds are slow and disk use is far above the image sizes shown"
		s.Fix = `configure overlay2 ("storage-driver": "overlay2" in /etc/docker/daemon.json) and restart Docker`
	case "devicemapper", "aufs":
		s.Status = CheckWarn
		s.Detail = f.StorageDriver + ": deprecated and slow"
		s.Fix = `switch to overlay2 ("storage-driver": "overlay2" in /etc/docker/daemon.json)`
	}
	return append(checks, s)
}

// diskCheck measures the free space of the daemon's data root when the daemon runs on this
// machine. A daemon elsewhere (a Docker Desktop or colima VM, a remote host) keeps its disk out
// of sight: that is said, not guessed.
func diskCheck(ep Endpoint, f systemFacts) Check {
	c := Check{Name: "disk"}
	if !localDaemon(ep, f) {
		c.Status = CheckSkip
		c.Detail = "the daemon runs on " + orDash(f.Name) + ", not here: its free disk is not visible (docker system df there shows its use)"
		return c
	}
	free, err := freeBytes(f.RootDir)
	if err != nil {
		c.Status, c.Detail = CheckWarn, "cannot measure the free space of "+f.RootDir+": "+err.Error()
		return c
	}
	c.Detail = fmt.Sprintf("%s free under %s", formatBytes(free), f.RootDir)
	switch {
	case free < diskFail:
		c.Status = CheckFail
		c.Fix = "free some space on the disk of " + f.RootDir + " (docker system df shows what Docker holds; docktutor clean removes docktutor's images)"
	case free < diskWarn:
		c.Status = CheckWarn
		c.Fix = "the lessons' base images and builds take a few GB: free some space (docker system df; docktutor clean)"
	default:
		c.Status = CheckPass
	}
	return c
}

// localDaemon says whether the daemon shares this machine's file system: a unix socket, the
// same host name, and its data root visible here.
func localDaemon(ep Endpoint, f systemFacts) bool {
	if _, ok := ep.SocketPath(); !ok || f.RootDir == "" {
		return false
	}
	host, err := os.Hostname()
	if err != nil || host != f.Name {
		return false
	}
	_, err = os.Stat(f.RootDir)
	return err == nil || errors.Is(err, fs.ErrPermission)
}

// imageCheck judges one base image.
func imageCheck(st ImageStatus, err error) Check {
	c := Check{Name: "image " + st.Ref}
	switch {
	case err != nil:
		c.Status, c.Detail = CheckWarn, "cannot inspect: "+err.Error()
	case !st.Present:
		c.Status, c.Detail = CheckWarn, "not present: the first build pulls it"
		c.Fix = "docktutor kit pull (every base image at once), or where no registry answers docktutor kit load FILE (a bundle made by docktutor kit save)"
	case st.StandIn:
		c.Status = CheckWarn
		c.Detail = fmt.Sprintf("present (%s), but a docktutor TEST STAND-IN, not the real image: sizes differ from the published ones", formatBytes(st.Size))
		c.Fix = "where a registry is reachable, docktutor kit pull replaces it with the real image"
	default:
		c.Status, c.Detail = CheckPass, "present ("+formatBytes(st.Size)+")"
	}
	return c
}

// formatBytes writes a size the way `docker images` does (decimal units).
func formatBytes(n int64) string {
	const unit = 1000
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %cB", float64(n)/float64(div), "kMGTPE"[exp])
}

func orDash(s string) string {
	if s == "" {
		return "another machine"
	}
	return s
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
