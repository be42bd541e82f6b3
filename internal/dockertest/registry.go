package dockertest

import (
	"context"
	"io"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/distribution/distribution/v3/configuration"
	"github.com/distribution/distribution/v3/registry/handlers"
	_ "github.com/distribution/distribution/v3/registry/storage/driver/inmemory" // the registry's storage

	"github.com/sirupsen/logrus"
)

// Registry starts an image registry (distribution's, in memory) on loopback for the test and
// returns its host:port. The daemon pushes to and pulls from it over plain HTTP, which it allows
// for 127.0.0.0/8 without configuration. The registry stops when the test ends.
func Registry(t testing.TB) string {
	t.Helper()
	// The registry logs every request through logrus's standard logger; the test's output
	// is for failures.
	logrus.SetOutput(io.Discard)
	cfg := &configuration.Configuration{
		Storage: configuration.Storage{
			"inmemory":    configuration.Parameters{},
			"maintenance": configuration.Parameters{"uploadpurging": map[any]any{"enabled": false}},
		},
	}
	cfg.HTTP.Headers = map[string][]string{"X-Content-Type-Options": {"nosniff"}}
	app := handlers.NewApp(context.Background(), cfg)
	srv := httptest.NewServer(app)
	t.Cleanup(srv.Close)
	return strings.TrimPrefix(srv.URL, "http://")
}
