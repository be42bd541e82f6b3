package dockerfile

import (
	"runtime"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/shell"
)

// Build arguments: the environment FROM lines and stage references are expanded in, as
// BuildKit builds it.

// globalArgs builds the environment FROM lines expand in: BuildKit's automatic platform and
// target ARGs, then the ARGs before the first FROM, in order, each overridden by a build arg
// of the same name (dockerfile2llb's defaultArgs and buildMetaArgs).
func globalArgs(lex *shell.Lex, metaArgs []instructions.ArgCommand, opts Options, target string) (*argEnv, error) {
	env := &argEnv{}
	osName, arch, variant := "linux", runtime.GOARCH, ""
	if opts.Platform != "" {
		parts := strings.SplitN(opts.Platform, "/", 3)
		osName = parts[0]
		arch, variant = "", ""
		if len(parts) > 1 {
			arch = parts[1]
		}
		if len(parts) > 2 {
			variant = parts[2]
		}
	}
	platform := osName + "/" + arch
	if variant != "" {
		platform += "/" + variant
	}
	if target == "" {
		target = "default"
	}
	for _, kv := range [...][2]string{
		{"BUILDPLATFORM", platform}, {"BUILDOS", osName}, {"BUILDOSVERSION", ""},
		{"BUILDARCH", arch}, {"BUILDVARIANT", variant},
		{"TARGETPLATFORM", platform}, {"TARGETOS", osName}, {"TARGETOSVERSION", ""},
		{"TARGETARCH", arch}, {"TARGETVARIANT", variant},
		{"TARGETSTAGE", target},
	} {
		v := kv[1]
		if o, ok := opts.BuildArgs[kv[0]]; ok {
			v = o
		}
		env.set(kv[0], v)
	}
	for _, cmd := range metaArgs {
		for _, kp := range cmd.Args {
			if v, ok := opts.BuildArgs[kp.Key]; ok {
				env.set(kp.Key, v)
				continue
			}
			if kp.Value == nil {
				continue
			}
			r, err := expand(lex, *kp.Value, env)
			if err != nil {
				return nil, wrapAt(err, cmd.Location())
			}
			env.set(kp.Key, r.Result)
		}
	}
	return env, nil
}

// expand runs BuildKit's shell lexer on a word. The lexer reads with text/scanner, which
// reports invalid UTF-8 by printing to the process's standard error and then goes on with
// U+FFFD; a TUI must never have its screen written over, so expand hands it the word with
// every invalid byte already replaced by U+FFFD, which gives the same result silently.
func expand(lex *shell.Lex, word string, env shell.EnvGetter) (shell.ProcessWordResult, error) {
	return lex.ProcessWordWithMatches(validUTF8(word), env)
}

// argEnv is an ordered set of build arguments that BuildKit's shell lexer can expand.
type argEnv struct {
	keys []string
	vals map[string]string
}

func (e *argEnv) set(k, v string) {
	if e.vals == nil {
		e.vals = map[string]string{}
	}
	if _, ok := e.vals[k]; !ok {
		e.keys = append(e.keys, k)
	}
	e.vals[k] = v
}

// Get returns a variable's value.
func (e *argEnv) Get(k string) (string, bool) {
	v, ok := e.vals[k]
	return v, ok
}

// Keys returns the variable names in the order they were set.
func (e *argEnv) Keys() []string { return e.keys }
