// Package diagnose explains a container that failed to start its program in the image's own
// terms. "exec /webapp: no such file or directory" is the kernel's answer both when /webapp is
// missing and when /webapp is there but names a loader (a dynamically linked binary's ELF
// interpreter, a script's #! line) the image lacks: the seeds' third bug, a Go binary built
// with cgo on the golang image and shipped on distroless static. This package looks inside the
// image through an engine.Probe and says which.
//
// lab reports it with a strategy's run and checks; the exercise engine and `docktutor check`
// call Exec the same way.
package diagnose

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"strings"

	"github.com/docktutor/docktutor/internal/elfinfo"
	"github.com/docktutor/docktutor/internal/engine"
)

// Finding is what Exec found.
type Finding struct {
	// Binary is the program the container tried to start, as an absolute path in the image.
	Binary string `json:"binary"`
	// Interpreter is the file Binary needs first: its ELF interpreter or #! interpreter. Empty
	// when the binary itself is missing.
	Interpreter string `json:"interpreter,omitempty"`
	// Missing is the path the image does not have: Binary or Interpreter.
	Missing string `json:"missing"`
	// Message says it in a sentence, e.g. "/webapp is there, but it is dynamically linked:
	// needs /lib64/ld-linux-x86-64.so.2, which this image does not have".
	Message string `json:"message"`
}

// noSuchFile is what the runtime says, in every version seen, when exec fails with ENOENT.
const noSuchFile = "no such file or directory"

// The runtime names the program in one of these ways: runc 1.1+ prints
// "exec /webapp: no such file or directory" from inside the container; a program that is not
// there at all fails the start with `exec: "/webapp": stat /webapp: no such file or directory`.
var (
	execPath  = regexp.MustCompile(`exec:? "?([^":\s]+)"?: ` + noSuchFile)
	startPath = regexp.MustCompile(`exec: "([^"]+)": stat`)
)

// pathDirs are where a program named without a path is looked for, as the images' PATH
// usually has it.
var pathDirs = []string{"/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"}

// Exec explains a run whose output (or the daemon's reason it could not start) says "no such
// file or directory" about the program it starts. binary is the program as the image's
// entrypoint or command names it; the path the runtime printed wins when there is one. It
// returns nil and no error when there is nothing to explain: another message, a statically
// linked binary that is there (so the missing file is one the program itself wanted), or a
// program that cannot be found to look at.
func Exec(ctx context.Context, output string, p engine.Probe, binary string) (*Finding, error) {
	if !Applies(output) {
		return nil, nil
	}
	if m := startPath.FindStringSubmatch(output); m != nil {
		binary = m[1]
	} else if m := execPath.FindStringSubmatch(output); m != nil {
		binary = m[1]
	}
	if binary == "" {
		return nil, nil
	}
	found, st, err := locate(ctx, p, binary)
	if err != nil {
		return nil, err
	}
	if found == "" {
		where := binary
		if !path.IsAbs(binary) {
			where = binary + " (looked for in " + strings.Join(pathDirs, ", ") + ")"
		}
		return &Finding{Binary: binary, Missing: binary, Message: where + " is not in this image"}, nil
	}
	if st.Mode&fs.ModeSymlink != 0 {
		ok, err := resolves(ctx, p, found)
		if err != nil || ok {
			return nil, err
		}
		if st.LinkTarget == "" || st.LinkTarget == found {
			return &Finding{Binary: found, Missing: found, Message: found + " is a symbolic link that leads nowhere in this image"}, nil
		}
		return &Finding{Binary: found, Missing: st.LinkTarget,
			Message: fmt.Sprintf("%s is a link to %s, which this image does not have", found, st.LinkTarget)}, nil
	}
	head, err := p.ReadFile(ctx, found, elfinfo.Prefix)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", found, err)
	}
	info, err := elfinfo.Read(head)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", found, err)
	}
	if info.Interp == "" {
		return nil, nil // static, or not executable at all (that says "exec format error")
	}
	has, err := exists(ctx, p, info.Interp)
	if err != nil || has {
		return nil, err // the loader is there: the missing file is one the program opens
	}
	return &Finding{
		Binary: found, Interpreter: info.Interp, Missing: info.Interp,
		Message: fmt.Sprintf("%s is there, but it is %s, which this image does not have", found, info.Describe()),
	}, nil
}

// Applies reports whether Exec may have something to say about output, before a Probe is
// opened for it.
func Applies(output string) bool { return strings.Contains(output, noSuchFile) }

// locate finds the program in the image, as lstat sees it (a link is the link): an absolute
// path as it is, a bare name in the usual PATH directories. It returns "" when it is nowhere.
func locate(ctx context.Context, p engine.Probe, binary string) (string, engine.PathInfo, error) {
	candidates := []string{binary}
	if !path.IsAbs(binary) {
		candidates = nil
		for _, d := range pathDirs {
			candidates = append(candidates, path.Join(d, binary))
		}
	}
	for _, c := range candidates {
		st, err := p.Stat(ctx, c)
		if err != nil || st.Exists {
			return c, st, err
		}
	}
	return "", engine.PathInfo{}, nil
}

// exists reports whether name is in the image, links followed: a link that leads nowhere is
// as missing as no file, to the kernel.
func exists(ctx context.Context, p engine.Probe, name string) (bool, error) {
	st, err := p.Stat(ctx, name)
	if err != nil || !st.Exists {
		return false, err
	}
	if st.Mode&fs.ModeSymlink == 0 {
		return true, nil
	}
	return resolves(ctx, p, name)
}

// resolves reports whether the link name leads to something.
func resolves(ctx context.Context, p engine.Probe, name string) (bool, error) {
	switch _, err := p.ReadFile(ctx, name, 1); {
	case err == nil, errors.Is(err, engine.ErrNotRegular):
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return false, err
	default:
		return false, nil // dangling, or a loop
	}
	return true, nil
}
