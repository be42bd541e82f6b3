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
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	err := cli.NewRootCmd(cli.StdStreams()).ExecuteContext(ctx)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "docktutor:", err)
	}
	os.Exit(cli.ExitCode(err))
}
