// Command docktutor is an interactive terminal tutorial on building small, secure container
// images, live against your own Docker daemon.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"

	"github.com/docktutor/docktutor/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	err := cli.NewRootCmd(cli.StdStreams()).ExecuteContext(ctx)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "docktutor:", err)
	}
	os.Exit(cli.ExitCode(err))
}
