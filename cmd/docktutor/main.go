// Command docktutor is an interactive terminal tutorial on building small, secure container
// images, live against your own Docker daemon.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
	"time"

	"github.com/docktutor/docktutor/internal/cli"
)

// startGC is the garbage collector's target while docktutor starts, for startTime: loading the
// course and drawing the first frame allocate a few megabytes that mostly stay, and the
// default target collects several times on the way to the first frame for nothing (about 4 ms
// of a 130 ms start, measured side by side). The default comes back after.
const startGC, startTime = 400, 500 * time.Millisecond

func main() {
	debug.SetGCPercent(startGC)
	time.AfterFunc(startTime, func() { debug.SetGCPercent(100) })
	// An interrupt, a kill and a closed terminal all cancel the context: a build stops, and
	// the containers and half-built images of the moment are removed before docktutor exits.
	// A hang-up that was ignored when docktutor started (nohup) stays ignored.
	sigs := []os.Signal{os.Interrupt, syscall.SIGTERM}
	if !signal.Ignored(syscall.SIGHUP) {
		sigs = append(sigs, syscall.SIGHUP)
	}
	ctx, stop := signal.NotifyContext(context.Background(), sigs...)
	err := cli.NewRootCmd(cli.StdStreams()).ExecuteContext(ctx)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "docktutor:", cli.ErrorText(err))
	}
	os.Exit(cli.ExitCode(err))
}
