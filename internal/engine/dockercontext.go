package engine

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// contextHost returns the daemon address of the docker CLI's current context, "" for the
// default context (the SDK's own default then applies). The context is DOCKER_CONTEXT, else
// "currentContext" in the CLI's config.json; its endpoint is stored under
// contexts/meta/<sha256 of the name>/meta.json in the CLI's configuration directory
// (DOCKER_CONFIG, else ~/.docker). Only the address is used: contexts that need TLS material
// are better served by DOCKER_HOST and DOCKER_CERT_PATH.
func contextHost() (string, error) {
	dir := os.Getenv("DOCKER_CONFIG")
	if dir == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return "", nil // no home, no CLI configuration: the default applies
		}
		dir = filepath.Join(home, ".docker")
	}
	name := os.Getenv("DOCKER_CONTEXT")
	if name == "" {
		data, err := os.ReadFile(filepath.Join(dir, "config.json"))
		if errors.Is(err, fs.ErrNotExist) {
			return "", nil
		}
		if err != nil {
			return "", err
		}
		var cfg struct {
			CurrentContext string `json:"currentContext"`
		}
		if err := json.Unmarshal(data, &cfg); err != nil {
			return "", nil // the CLI's own config, not ours to judge; fall back to the default
		}
		name = cfg.CurrentContext
	}
	if name == "" || name == "default" {
		return "", nil
	}
	sum := sha256.Sum256([]byte(name))
	meta := filepath.Join(dir, "contexts", "meta", hex.EncodeToString(sum[:]), "meta.json")
	data, err := os.ReadFile(meta)
	if err != nil {
		return "", fmt.Errorf("context %q: %w", name, err)
	}
	var m struct {
		Endpoints map[string]struct {
			Host string `json:"Host"`
		} `json:"Endpoints"`
	}
	if err := json.Unmarshal(data, &m); err != nil {
		return "", fmt.Errorf("context %q: %s: %w", name, meta, err)
	}
	host := m.Endpoints["docker"].Host
	if host == "" {
		return "", fmt.Errorf("context %q has no docker endpoint", name)
	}
	return host, nil
}
