package dockertest

import (
	"context"
	"io"
	"os"
	"testing"
	"time"
)

// Skip skips the test, saying why — unless CI=true: a CI machine has a daemon, dockerd and the
// stand-in base images, so there a missing one is a broken machine and fails the test.
func Skip(t testing.TB, format string, args ...any) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf("CI=true but "+format, args...)
	}
	t.Skipf(format, args...)
}

// connectTimeout bounds the first contact with the shared daemon.
const connectTimeout = 15 * time.Second

// Connect opens the shared daemon (the one the environment names: DOCKER_HOST, the docker CLI's
// context or the default socket) with connect — engine.New, passed in since the engine's own
// tests use this package too — and closes it when the test ends. Without a daemon the test is
// skipped (see Skip).
func Connect[C io.Closer](t testing.TB, connect func(context.Context) (C, error)) C {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), connectTimeout)
	defer cancel()
	c, err := connect(ctx)
	if err != nil {
		Skip(t, "no Docker daemon answers: %v", err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// NeedImage checks with inspect (the engine's Inspect) that ref is on the daemon, and skips the
// test (see Skip) when it is not: nothing can be pulled here, .ci/standins makes the base images.
func NeedImage[I any](t testing.TB, inspect func(context.Context, string) (I, error), ref string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), connectTimeout)
	defer cancel()
	if _, err := inspect(ctx, ref); err != nil {
		Skip(t, "no %s on the daemon (run .ci/standins): %v", ref, err)
	}
}
