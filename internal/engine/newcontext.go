package engine

import (
	"context"
	"os"
)

// NewContext connects to the daemon of the docker CLI context called name ("default" is the
// platform's socket, or DOCKER_HOST when set), whatever context is current: a classroom server
// spreads its learners over several named engines.
func NewContext(ctx context.Context, name string) (*Client, error) {
	home, _ := os.UserHomeDir()
	getenv := func(k string) string {
		switch k {
		case "DOCKER_CONTEXT":
			return name
		case "DOCKER_HOST":
			if name != defaultContext {
				return "" // a named context's own address wins over the environment's
			}
		}
		return os.Getenv(k)
	}
	ep, err := resolveEndpoint(getenv, home)
	if err != nil {
		return nil, err
	}
	return open(ctx, ep)
}
