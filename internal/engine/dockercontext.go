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

// This file reads the docker CLI's own configuration — never writes it — the way the CLI's
// context store does: config.json names the current context, and a context named N lives under
// contexts/meta/<sha256(N)>/meta.json, its TLS material under contexts/tls/<sha256(N)>/docker/.

// defaultContext is the name the docker CLI reserves for "DOCKER_HOST, else the platform's
// socket". It has no folder in the context store.
const defaultContext = "default"

// cliConfig is the docker CLI's configuration folder: DOCKER_CONFIG, else ~/.docker.
type cliConfig struct {
	dir string
}

// configDir returns the docker CLI's configuration folder. home may be empty when the user has
// no home directory; the folder then does not exist and every lookup finds nothing.
func configDir(getenv func(string) string, home string) string {
	if d := getenv("DOCKER_CONFIG"); d != "" {
		return d
	}
	if home == "" {
		return ""
	}
	return filepath.Join(home, ".docker")
}

// currentContext returns the "currentContext" of config.json, "" when the file or the field
// does not exist. A config.json that does not parse is reported through warn and otherwise
// ignored, as the docker CLI does ("WARNING: Error loading config file").
func (c cliConfig) currentContext() (name, warn string, err error) {
	if c.dir == "" {
		return "", "", nil
	}
	file := filepath.Join(c.dir, "config.json")
	data, err := os.ReadFile(file)
	if errors.Is(err, fs.ErrNotExist) {
		return "", "", nil
	}
	if err != nil {
		return "", "", fmt.Errorf("read %s: %w", file, err)
	}
	var cfg struct {
		CurrentContext string `json:"currentContext"`
	}
	if err := json.Unmarshal(data, &cfg); err != nil {
		return "", fmt.Sprintf("%s is not valid JSON (%v); ignoring it, as the docker CLI does", file, err), nil
	}
	return cfg.CurrentContext, "", nil
}

// storeID is the folder name of a context in the store: the hex SHA-256 of its name.
func storeID(name string) string {
	sum := sha256.Sum256([]byte(name))
	return hex.EncodeToString(sum[:])
}

// cliContext is what docktutor uses of a stored docker CLI context.
type cliContext struct {
	Name          string
	Host          string // the docker endpoint's address
	SkipTLSVerify bool
	// TLS holds the context's client certificate files, nil when the context has none.
	TLS *TLSFiles
}

// errNoContext says a context name has no folder in the store.
var errNoContext = errors.New("no such context")

// context reads the stored context called name.
func (c cliConfig) context(name string) (cliContext, error) {
	if c.dir == "" {
		return cliContext{}, errNoContext
	}
	id := storeID(name)
	meta := filepath.Join(c.dir, "contexts", "meta", id, "meta.json")
	data, err := os.ReadFile(meta)
	if errors.Is(err, fs.ErrNotExist) {
		return cliContext{}, errNoContext
	}
	if err != nil {
		return cliContext{}, err
	}
	var m struct {
		Name      string `json:"Name"`
		Endpoints map[string]struct {
			Host          string `json:"Host"`
			SkipTLSVerify bool   `json:"SkipTLSVerify"`
		} `json:"Endpoints"`
	}
	if err := json.Unmarshal(data, &m); err != nil {
		return cliContext{}, fmt.Errorf("%s: %w", meta, err)
	}
	ep, ok := m.Endpoints["docker"]
	if !ok || ep.Host == "" {
		return cliContext{}, fmt.Errorf("%s has no docker endpoint", meta)
	}
	ctx := cliContext{Name: name, Host: ep.Host, SkipTLSVerify: ep.SkipTLSVerify}

	// The CLI stores whichever of the three files the context was created with.
	tlsDir := filepath.Join(c.dir, "contexts", "tls", id, "docker")
	files := TLSFiles{
		CA:   existing(filepath.Join(tlsDir, "ca.pem")),
		Cert: existing(filepath.Join(tlsDir, "cert.pem")),
		Key:  existing(filepath.Join(tlsDir, "key.pem")),
	}
	if files != (TLSFiles{}) {
		ctx.TLS = &files
	}
	return ctx, nil
}

// existing returns path when a file is there, "" otherwise.
func existing(path string) string {
	if st, err := os.Stat(path); err == nil && st.Mode().IsRegular() {
		return path
	}
	return ""
}

// contextHost returns the address of the docker CLI's context in use when DOCKER_HOST is not
// set, "" for the default context: ResolveEndpoint without DOCKER_HOST, in the form the
// engine's first tests were written against.
func contextHost() (string, error) {
	home, _ := os.UserHomeDir()
	getenv := func(k string) string {
		if k == "DOCKER_HOST" {
			return ""
		}
		return os.Getenv(k)
	}
	ep, err := resolveEndpoint(getenv, home)
	if err != nil || ep.Source == SourceDefault {
		return "", err
	}
	return ep.Host, nil
}
