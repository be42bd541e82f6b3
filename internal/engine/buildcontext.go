package engine

import (
	"archive/tar"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path/filepath"
	"strings"
	"time"

	"github.com/moby/patternmatcher"
	"github.com/moby/patternmatcher/ignorefile"
)

// defaultDockerfile is the Dockerfile's name when a BuildRequest leaves it empty.
const defaultDockerfile = "Dockerfile"

// writeContext writes the build context fsys to w as the tar stream /build expects, leaving out
// what the ignore file excludes, the way `docker build` does on the client side. The client
// must do it: BuildKit, driven through /build without a session, does not apply .dockerignore
// at all.
//
// The ignore file is "<dockerfile>.dockerignore" when it exists (BuildKit's per-Dockerfile
// ignore file, handy when one lesson folder holds several Dockerfiles), ".dockerignore" in the
// root otherwise. The Dockerfile and the ignore files are always sent, whatever the patterns
// say. Owner-write permission is added to every entry because embedded files (embed.FS)
// report read-only modes, which would make the copies in the image read-only; times are
// clamped to the Unix epoch when the file system has none.
func writeContext(w io.Writer, fsys fs.FS, dockerfile string) error {
	if dockerfile == "" {
		dockerfile = defaultDockerfile
	}
	if err := checkDockerfile(fsys, dockerfile); err != nil {
		return err
	}
	pm, err := ignoreMatcher(fsys, dockerfile)
	if err != nil {
		return err
	}

	tw := tar.NewWriter(w)
	// The match results of the directories above the current path, innermost last, so that a
	// file's match starts from its parent's (what patternmatcher and `docker build` expect).
	type parent struct {
		dir  string
		info patternmatcher.MatchInfo
	}
	var parents []parent
	err = fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if p == "." {
			return nil
		}
		if pm != nil {
			for len(parents) > 0 && !strings.HasPrefix(p, parents[len(parents)-1].dir+"/") {
				parents = parents[:len(parents)-1]
			}
			var parentInfo patternmatcher.MatchInfo
			if len(parents) > 0 {
				parentInfo = parents[len(parents)-1].info
			}
			// Patterns use the OS separator (ignorefile cleans them with filepath), fs.FS
			// paths always use '/'.
			skip, info, err := pm.MatchesUsingParentResults(filepath.FromSlash(p), parentInfo)
			if err != nil {
				return fmt.Errorf("match %s against .dockerignore: %w", p, err)
			}
			if d.IsDir() {
				parents = append(parents, parent{dir: p, info: info})
			}
			if skip {
				if !d.IsDir() {
					return nil
				}
				if keepExcludedDir(pm, p) {
					return nil // walk on for the re-included files, without the dir's own entry
				}
				return fs.SkipDir
			}
		}
		return addToTar(tw, fsys, p, d)
	})
	if err != nil {
		return fmt.Errorf("build context: %w", err)
	}
	if err := tw.Close(); err != nil {
		return fmt.Errorf("build context: %w", err)
	}
	return nil
}

// ContextSize is how many bytes a build of fsys sends the daemon: the tar stream Build writes,
// after .dockerignore (what `docker build` reports as "Sending build context to Docker
// daemon"). Fakes report it; Build measures it as it sends (BuildResult.ContextBytes).
func ContextSize(fsys fs.FS, dockerfile string) (int64, error) {
	cw := &countingWriter{w: io.Discard}
	err := writeContext(cw, fsys, dockerfile)
	return cw.n, err
}

// checkDockerfile makes sure the Dockerfile is where the request says, before anything is sent.
func checkDockerfile(fsys fs.FS, dockerfile string) error {
	if !fs.ValidPath(dockerfile) || dockerfile == "." {
		return &UsageError{Msg: "Dockerfile path " + quote(dockerfile) + " must be relative to the build context, with forward slashes"}
	}
	if st, err := fs.Stat(fsys, dockerfile); err != nil || !st.Mode().IsRegular() {
		return &UsageError{Msg: "no Dockerfile at " + quote(dockerfile) + " in the build context"}
	}
	return nil
}

// ignoreMatcher reads the ignore file and returns its matcher, nil when nothing is excluded.
func ignoreMatcher(fsys fs.FS, dockerfile string) (*patternmatcher.PatternMatcher, error) {
	var patterns []string
	for _, name := range []string{dockerfile + ".dockerignore", ".dockerignore"} {
		data, err := fs.ReadFile(fsys, name)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", name, err)
		}
		patterns, err = ignorefile.ReadAll(bytes.NewReader(data))
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", name, err)
		}
		break
	}
	if len(patterns) == 0 {
		return nil, nil
	}
	// The daemon needs these whatever the patterns say, and `docker build` sends them too.
	patterns = append(patterns,
		"!"+filepath.FromSlash(dockerfile),
		"!"+filepath.FromSlash(dockerfile)+".dockerignore",
		"!.dockerignore")
	pm, err := patternmatcher.New(patterns)
	if err != nil {
		return nil, &UsageError{Msg: "bad .dockerignore pattern: " + err.Error()}
	}
	return pm, nil
}

// keepExcludedDir says whether an excluded directory must still be walked because an
// exception pattern ("!dir/keep.txt") names something inside it. Like `docker build`, it
// only looks at the literal start of the exception.
func keepExcludedDir(pm *patternmatcher.PatternMatcher, dir string) bool {
	if !pm.Exclusions() {
		return false
	}
	dirSlash := filepath.FromSlash(dir) + string(filepath.Separator)
	for _, pat := range pm.Patterns() {
		if pat.Exclusion() && strings.HasPrefix(pat.String()+string(filepath.Separator), dirSlash) {
			return true
		}
	}
	return false
}

// addToTar writes one entry: directories, regular files and symbolic links; anything else
// (sockets, devices) cannot be part of a build context and is left out.
func addToTar(tw *tar.Writer, fsys fs.FS, p string, d fs.DirEntry) error {
	info, err := d.Info()
	if err != nil {
		return err
	}
	var link string
	switch {
	case info.Mode()&fs.ModeSymlink != 0:
		if link, err = fs.ReadLink(fsys, p); err != nil {
			return err
		}
	case info.IsDir(), info.Mode().IsRegular():
	default:
		return nil
	}
	hdr, err := tar.FileInfoHeader(info, link)
	if err != nil {
		return fmt.Errorf("%s: %w", p, err)
	}
	hdr.Name = p
	if info.IsDir() {
		hdr.Name += "/"
	}
	hdr.Uid, hdr.Gid, hdr.Uname, hdr.Gname = 0, 0, "", ""
	hdr.AccessTime, hdr.ChangeTime = time.Time{}, time.Time{}
	if hdr.ModTime.Before(time.Unix(0, 0)) {
		hdr.ModTime = time.Unix(0, 0)
	}
	if hdr.Typeflag != tar.TypeSymlink {
		hdr.Mode |= 0o200
	}
	if err := tw.WriteHeader(hdr); err != nil {
		return fmt.Errorf("%s: %w", p, err)
	}
	if hdr.Typeflag != tar.TypeReg {
		return nil
	}
	f, err := fsys.Open(p)
	if err != nil {
		return err
	}
	defer f.Close()
	if _, err := io.Copy(tw, f); err != nil {
		return fmt.Errorf("%s: %w", p, err)
	}
	return nil
}
