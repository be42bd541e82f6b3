package dockertest

import (
	"os"
	"testing"
)

// PodmanHostEnv names the variable that gives the tests a Podman API service to build on
// (a unix:// address): .ci/podman-up starts one and prints it, .ci/run exports it.
const PodmanHostEnv = "DOCKTUTOR_PODMAN_HOST"

// UsePodman points the test's DOCKER_HOST at the Podman service that PodmanHostEnv names, so
// that what the test connects to next (Connect, engine.New) is Podman, and restores it when
// the test ends. Without the variable the test is skipped, and fails under CI=true (see Skip):
// CI runs .ci/podman-up.
func UsePodman(t *testing.T) string {
	t.Helper()
	host := os.Getenv(PodmanHostEnv)
	if host == "" {
		Skip(t, "%s is not set (run .ci/podman-up and export what it prints)", PodmanHostEnv)
	}
	t.Setenv("DOCKER_HOST", host)
	return host
}
