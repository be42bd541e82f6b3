// Command docktutor is an interactive terminal tutorial on building small, secure container
// images, live against your own Docker daemon.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/docktutor/docktutor/internal/cli"
)

func main() {
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
