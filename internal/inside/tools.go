package inside

import (
	"path"
	"slices"
	"strings"
)

// category is the kind of program a Tool is.
type category int

const (
	catShell category = iota
	catCompiler
	catPackageManager
	catInterpreter
)

// families maps a program's name, without its version ("python" for python3.13, "gcc" for
// gcc-12), to what it is. It names the programs learners meet in container images; anything
// else in a bin directory is not reported.
var families = map[string]category{
	"sh": catShell, "bash": catShell, "ash": catShell, "dash": catShell, "zsh": catShell,
	"ksh": catShell, "mksh": catShell, "fish": catShell,

	"gcc": catCompiler, "cc": catCompiler, "g++": catCompiler, "c++": catCompiler,
	"clang": catCompiler, "clang++": catCompiler, "tcc": catCompiler, "gfortran": catCompiler,
	"gccgo": catCompiler, "go": catCompiler, "rustc": catCompiler, "javac": catCompiler,
	"kotlinc": catCompiler, "scalac": catCompiler, "swiftc": catCompiler, "ghc": catCompiler,
	"zig": catCompiler,

	"apt": catPackageManager, "apt-get": catPackageManager, "dpkg": catPackageManager,
	"apk": catPackageManager, "dnf": catPackageManager, "yum": catPackageManager,
	"microdnf": catPackageManager, "rpm": catPackageManager, "zypper": catPackageManager,
	"pacman": catPackageManager, "pip": catPackageManager, "npm": catPackageManager,
	"yarn": catPackageManager, "pnpm": catPackageManager, "gem": catPackageManager,
	"cargo": catPackageManager, "conda": catPackageManager, "composer": catPackageManager,

	"python": catInterpreter, "pypy": catInterpreter, "node": catInterpreter,
	"ruby": catInterpreter, "perl": catInterpreter, "php": catInterpreter, "java": catInterpreter,
	"lua": catInterpreter, "luajit": catInterpreter, "deno": catInterpreter, "bun": catInterpreter,
}

// aliases folds names that are the same program under another spelling.
var aliases = map[string]string{"nodejs": "node"}

// family returns the name of the program a file name runs: the name without a trailing
// version ("python3.13", "pip3" and "python" are all "python"; "g++-12" is "g++").
func family(name string) string {
	base := strings.TrimRight(name, "0123456789.")
	if base != name {
		base = strings.TrimSuffix(base, "-")
	}
	if base == "" {
		base = name
	}
	if a, ok := aliases[base]; ok {
		return a
	}
	return base
}

// binDirs are the directory names programs live in. Matching the last component, rather than
// a fixed list of paths, finds /usr/local/go/bin/go, /usr/local/cargo/bin/rustc,
// /usr/lib/jvm/…/bin/javac, a virtualenv's bin/pip and distroless :debug's /busybox/sh.
var binDirs = map[string]bool{"bin": true, "sbin": true, "busybox": true}

// pathDirs is the order in which a Tool's Path is chosen: Docker's default PATH (what `docker
// run IMAGE NAME` would run), then the toolchains' own directories.
var pathDirs = []string{
	"/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin",
	"/usr/local/go/bin", "/busybox",
}

// shellDirs puts /bin first for shells: a shell-form RUN or CMD runs /bin/sh.
var shellDirs = append([]string{"/bin", "/usr/bin", "/busybox"}, pathDirs...)

// found gathers what the scan saw of one program.
type found struct {
	cat   category
	names []string // the file names seen, e.g. python3, python3.13
	first string   // the first path seen, in Entries order
}

// findTools fills the Report's Shells, Compilers, PackageManagers and Interpreters.
func (r *Report) findTools() {
	progs := map[string]*found{}
	for _, e := range r.Entries {
		if e.Kind == KindDir || e.Kind == KindOther {
			continue
		}
		dir, name := path.Split(e.Path)
		if !binDirs[path.Base(dir)] {
			continue
		}
		fam := family(name)
		cat, ok := families[fam]
		if !ok {
			continue
		}
		if _, ok := r.runs(e.Path, cat); !ok {
			continue
		}
		f := progs[fam]
		if f == nil {
			f = &found{cat: cat, first: e.Path}
			progs[fam] = f
		}
		if !slices.Contains(f.names, name) {
			f.names = append(f.names, name)
		}
	}
	for _, f := range progs {
		slices.Sort(f.names)
		t := r.tool(f)
		switch f.cat {
		case catShell:
			r.Shells = append(r.Shells, t)
		case catCompiler:
			r.Compilers = append(r.Compilers, t)
		case catPackageManager:
			r.PackageManagers = append(r.PackageManagers, t)
		case catInterpreter:
			r.Interpreters = append(r.Interpreters, t)
		}
	}
	for _, ts := range [][]Tool{r.Shells, r.Compilers, r.PackageManagers, r.Interpreters} {
		slices.SortFunc(ts, func(a, b Tool) int { return strings.Compare(a.Name, b.Name) })
	}
}

// tool chooses where to say a program is: the first of its names, shortest first, found in
// the preferred directories, else the first path the scan met.
func (r *Report) tool(f *found) Tool {
	dirs := pathDirs
	if f.cat == catShell {
		dirs = shellDirs
	}
	byLength := slices.Clone(f.names)
	slices.SortStableFunc(byLength, func(a, b string) int { return len(a) - len(b) })
	at := f.first
search:
	for _, dir := range dirs {
		for _, name := range byLength {
			if p := dir + "/" + name; r.isRunnable(p, f.cat) {
				at = p
				break search
			}
		}
	}
	t := Tool{Name: path.Base(at), Path: at, Names: f.names}
	if e, ok := r.Stat(at); ok && e.Path != at {
		t.Target = e.Path
	}
	return t
}

// runs returns the file p resolves to when it is a program of the category: a regular file
// someone may execute. BusyBox's applets count as shells only: its dpkg, rpm or gzip are
// cut-down built-ins of one binary (dpkg unpacks a local .deb, fetching and resolving nothing),
// and a busybox image is not one with a package manager.
func (r *Report) runs(p string, cat category) (Entry, bool) {
	e, ok := r.Stat(p)
	if !ok || e.Kind != KindFile || e.Mode&0o111 == 0 {
		return Entry{}, false
	}
	if cat != catShell && path.Base(e.Path) == "busybox" {
		return Entry{}, false
	}
	return e, true
}

// isRunnable is runs without the entry.
func (r *Report) isRunnable(p string, cat category) bool {
	_, ok := r.runs(p, cat)
	return ok
}

// Program kinds, for ProgramPaths: which of the families a caller looks for.
const (
	Shells          = "shells"
	Compilers       = "compilers"
	PackageManagers = "package managers"
)

// ProgramPaths lists where a program of the kind (Shells, Compilers or PackageManagers) would
// be run from: every name of that family in every directory of a shell's PATH (shells: /bin
// first) and the toolchains' own. A caller that cannot read the whole image (a check that
// stats single paths) asks about these, and so looks for the same programs, by the same
// names, as Analyze does. Versioned names (python3.13, gcc-12) are not listed: images that
// carry them carry the plain name too (cc, gcc, pip).
func ProgramPaths(kind string) []string {
	var cat category
	dirs := pathDirs
	switch kind {
	case Shells:
		cat, dirs = catShell, shellDirs
	case Compilers:
		cat = catCompiler
	case PackageManagers:
		cat = catPackageManager
	default:
		return nil
	}
	var names []string
	for name, c := range families {
		if c == cat {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	seen := map[string]bool{}
	var out []string
	for _, dir := range dirs {
		for _, name := range names {
			if p := dir + "/" + name; !seen[p] {
				seen[p] = true
				out = append(out, p)
			}
		}
	}
	return out
}
