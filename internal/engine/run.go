package engine

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"strings"
	"time"

	cerrdefs "github.com/containerd/errdefs"

	"github.com/moby/moby/api/pkg/stdcopy"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"
)

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
	if req.Memory > 0 {
		// Swap as large as memory: the limit is the limit, not a trip to disk.
		hostCfg.Resources.Memory, hostCfg.Resources.MemorySwap = req.Memory, req.Memory
	}
	if req.PidsLimit > 0 {
		pids := req.PidsLimit
		hostCfg.Resources.PidsLimit = &pids
	}

	// A name of its own, so that a create cut short by a cancel can still be found and removed.
	name := randomID(kindRun)
	created, err := c.api.ContainerCreate(ctx, client.ContainerCreateOptions{Config: cfg, HostConfig: hostCfg, Name: name})
	if err != nil {
		if ctx.Err() != nil {
			c.removeAbandoned(ctx, name)
			return RunResult{}, ctx.Err()
		}
		return RunResult{}, fmt.Errorf("create container: %w", c.wrap(ctx, err))
	}
	id := created.ID
	defer func() {
		if _, rerr := c.removeNow(ctx, id); rerr != nil && err == nil {
			err = fmt.Errorf("remove container %.12s: %w", id, rerr)
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
			return RunResult{}, &StartError{Image: req.Image, Reason: daemonMessage(err)}
		}
		return RunResult{}, fmt.Errorf("start container: %w", c.wrap(ctx, err))
	}

	timer := time.NewTimer(timeout)
	defer timer.Stop()
	var exit container.WaitResponse
	select {
	case exit = <-wait.Result:
	case err := <-wait.Error:
		return RunResult{}, fmt.Errorf("wait: %w", c.wrap(ctx, err))
	case <-ctx.Done():
		return RunResult{}, ctx.Err()
	case <-timer.C:
		res.TimedOut = true
		if _, err := c.api.ContainerKill(ctx, id, client.ContainerKillOptions{Signal: "KILL"}); err != nil && !cerrdefs.IsConflict(err) {
			return res, fmt.Errorf("kill after %s: %w", timeout, c.wrap(ctx, err))
		}
		select {
		case exit = <-wait.Result:
		case err := <-wait.Error:
			return res, fmt.Errorf("wait: %w", c.wrap(ctx, err))
		case <-ctx.Done():
			return res, ctx.Err()
		}
	}
	res.Duration = time.Since(started)
	res.ExitCode = int(exit.StatusCode)

	logs, err := c.api.ContainerLogs(ctx, id, client.ContainerLogsOptions{ShowStdout: true, ShowStderr: true})
	if err != nil {
		return res, fmt.Errorf("logs: %w", c.wrap(ctx, err))
	}
	defer logs.Close()
	out := &cappedBuffer{max: MaxRunOutput}
	// Without a TTY the daemon multiplexes stdout and stderr in frames; one writer for both
	// keeps them interleaved as delivered.
	if _, err := stdcopy.StdCopy(out, out, logs); err != nil && !errors.Is(err, errCapped) {
		return res, fmt.Errorf("read logs: %w", c.wrap(ctx, err))
	}
	res.Output = out.String()
	res.Truncated = out.capped
	return res, nil
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
