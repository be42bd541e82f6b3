package inside

import (
	"archive/tar"
	"bytes"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// Helpers that build tar headers; tarOf writes them, with Size zero bytes of content for
// regular files.

func file(name string, size int64) tar.Header {
	return tar.Header{Typeflag: tar.TypeReg, Name: name, Size: size, Mode: 0o755}
}

func data(name string, size int64) tar.Header {
	return tar.Header{Typeflag: tar.TypeReg, Name: name, Size: size, Mode: 0o644}
}

func dir(name string) tar.Header {
	return tar.Header{Typeflag: tar.TypeDir, Name: name, Mode: 0o755}
}

func symlink(name, target string) tar.Header {
	return tar.Header{Typeflag: tar.TypeSymlink, Name: name, Linkname: target, Mode: 0o777}
}

func hardlink(name, target string) tar.Header {
	return tar.Header{Typeflag: tar.TypeLink, Name: name, Linkname: target, Mode: 0o755}
}

func tarOf(t testing.TB, hdrs ...tar.Header) []byte {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, h := range hdrs {
		if err := tw.WriteHeader(&h); err != nil {
			t.Fatalf("write header %s: %v", h.Name, err)
		}
		if h.Typeflag == tar.TypeReg && h.Size > 0 {
			if _, err := io.CopyN(tw, zeros{}, h.Size); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) { clear(p); return len(p), nil }

func analyze(t testing.TB, hdrs ...tar.Header) Report {
	t.Helper()
	r, err := Analyze(bytes.NewReader(tarOf(t, hdrs...)))
	if err != nil {
		t.Fatalf("Analyze: %v", err)
	}
	return r
}

// The images of the tests, shaped like the real ones.

// alpineFS: busybox is the shell and the coreutils, all symlinks to one binary.
var alpineFS = []tar.Header{
	dir("./"), dir("./bin/"), file("./bin/busybox", 800_000),
	symlink("./bin/sh", "/bin/busybox"), symlink("./bin/ash", "/bin/busybox"), symlink("./bin/ls", "/bin/busybox"),
	symlink("./usr/bin/dpkg", "/bin/busybox"), // an applet, not a package manager
	dir("./sbin/"), file("./sbin/apk", 70_000), dir("./etc/"), data("./etc/os-release", 200),
	dir("./lib/"), file("./lib/ld-musl-x86_64.so.1", 600_000),
}

// debianFS: merged /usr (/bin links to usr/bin), gcc through versioned links and
// /etc/alternatives, Go in /usr/local/go, perl with a hard-linked versioned name.
var debianFS = []tar.Header{
	symlink("bin", "usr/bin"), symlink("sbin", "usr/sbin"), symlink("lib", "usr/lib"),
	dir("usr/"), dir("usr/bin/"), file("usr/bin/dash", 120_000), symlink("usr/bin/sh", "dash"),
	file("usr/bin/bash", 1_200_000),
	file("usr/bin/x86_64-linux-gnu-gcc-12", 900_000), symlink("usr/bin/gcc-12", "x86_64-linux-gnu-gcc-12"),
	symlink("usr/bin/gcc", "gcc-12"), symlink("usr/bin/cc", "/etc/alternatives/cc"),
	dir("etc/"), dir("etc/alternatives/"), symlink("etc/alternatives/cc", "/usr/bin/gcc"),
	file("usr/bin/apt", 20_000), file("usr/bin/apt-get", 20_000), file("usr/bin/dpkg", 300_000),
	file("usr/bin/perl", 4_000_000), hardlink("usr/bin/perl5.36.0", "usr/bin/perl"),
	dir("usr/lib/"), data("usr/lib/libc.so.6", 2_000_000),
	dir("usr/local/"), dir("usr/local/go/"), dir("usr/local/go/bin/"), file("usr/local/go/bin/go", 15_000_000),
	file("usr/local/go/bin/gofmt", 3_000_000),
	dir("usr/sbin/"), dir("tmp/"),
}

// distrolessFS: no shell, no package manager; only what a static binary may read.
var distrolessFS = []tar.Header{
	dir("etc/"), data("etc/passwd", 149), data("etc/group", 64), dir("etc/ssl/"), dir("etc/ssl/certs/"),
	data("etc/ssl/certs/ca-certificates.crt", 216_591), dir("home/"), dir("home/nonroot/"), dir("tmp/"),
}

// pythonFS: the official image's layout, interpreter and pip in /usr/local/bin.
var pythonFS = []tar.Header{
	dir("usr/local/bin/"), file("usr/local/bin/python3.13", 20_000),
	symlink("usr/local/bin/python3", "python3.13"), symlink("usr/local/bin/python", "python3"),
	file("usr/local/bin/pip", 200), file("usr/local/bin/pip3", 200), file("usr/local/bin/pip3.13", 200),
	dir("usr/local/lib/node_modules/npm/bin/"), file("usr/local/lib/node_modules/npm/bin/npm-cli.js", 5_000),
	symlink("usr/local/bin/npm", "../lib/node_modules/npm/bin/npm-cli.js"), file("usr/local/bin/nodejs", 90_000),
}

func TestAnalyzeTools(t *testing.T) {
	tests := []struct {
		name                              string
		fs                                []tar.Header
		shells, compilers, pkgs, interprs []string // Tool.String()s
	}{
		{
			name:   "alpine",
			fs:     alpineFS,
			shells: []string{"ash (/bin/ash -> /bin/busybox)", "sh (/bin/sh -> /bin/busybox)"},
			pkgs:   []string{"apk (/sbin/apk)"},
		},
		{
			name:   "debian with merged usr, gcc and go",
			fs:     debianFS,
			shells: []string{"bash (/bin/bash -> /usr/bin/bash)", "dash (/bin/dash -> /usr/bin/dash)", "sh (/bin/sh -> /usr/bin/dash)"},
			compilers: []string{
				"cc (/usr/bin/cc -> /usr/bin/x86_64-linux-gnu-gcc-12)",
				"gcc (/usr/bin/gcc -> /usr/bin/x86_64-linux-gnu-gcc-12)",
				"go (/usr/local/go/bin/go)",
			},
			pkgs:     []string{"apt (/usr/bin/apt)", "apt-get (/usr/bin/apt-get)", "dpkg (/usr/bin/dpkg)"},
			interprs: []string{"perl (/usr/bin/perl)"},
		},
		{name: "distroless", fs: distrolessFS},
		{
			name: "distroless debug",
			fs: append(slices.Clone(distrolessFS), dir("busybox/"), file("busybox/busybox", 1_000_000),
				symlink("busybox/sh", "busybox")),
			shells: []string{"sh (/busybox/sh -> /busybox/busybox)"},
		},
		{
			name:     "python and node",
			fs:       pythonFS,
			pkgs:     []string{"npm (/usr/local/bin/npm -> /usr/local/lib/node_modules/npm/bin/npm-cli.js)", "pip (/usr/local/bin/pip)"},
			interprs: []string{"nodejs (/usr/local/bin/nodejs)", "python (/usr/local/bin/python -> /usr/local/bin/python3.13)"},
		},
		{
			name: "not runnable: no exec bit, dangling link, link loop, link to a directory",
			fs: []tar.Header{
				data("usr/bin/gcc", 100), symlink("usr/bin/python3", "/usr/local/bin/python3"),
				symlink("usr/bin/sh", "sh2"), symlink("usr/bin/sh2", "sh"),
				dir("usr/lib/go/"), symlink("usr/bin/go", "../lib/go"),
			},
		},
		{
			name: "file used as a directory",
			fs:   []tar.Header{file("opt/tool", 10), symlink("usr/bin/bash", "/opt/tool/bash")},
		},
		{
			name: "dot-dot after a link is applied to the link's target",
			// /usr/bin/real is a link to /opt/x/y; "real/../bash" is /opt/x/bash, not /usr/bin/bash.
			fs: []tar.Header{
				dir("opt/x/y/"), file("opt/x/bash", 10), file("usr/bin/bash-decoy", 10),
				symlink("usr/bin/real", "/opt/x/y"), symlink("usr/bin/bash", "real/../bash"),
			},
			shells: []string{"bash (/usr/bin/bash -> /opt/x/bash)"},
		},
		{
			name: "toolchains in their own bin directories",
			fs: []tar.Header{
				file("usr/local/cargo/bin/rustc", 10), file("usr/local/cargo/bin/cargo", 10),
				file("usr/lib/jvm/java-17/bin/javac", 10), file("usr/lib/jvm/java-17/bin/java", 10),
				file("venv/bin/pip3", 10), data("usr/share/doc/gcc/README", 10), file("usr/libexec/gcc", 10),
			},
			compilers: []string{"javac (/usr/lib/jvm/java-17/bin/javac)", "rustc (/usr/local/cargo/bin/rustc)"},
			pkgs:      []string{"cargo (/usr/local/cargo/bin/cargo)", "pip3 (/venv/bin/pip3)"},
			interprs:  []string{"java (/usr/lib/jvm/java-17/bin/java)"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := analyze(t, tt.fs...)
			check := func(what string, got []Tool, want []string) {
				t.Helper()
				var s []string
				for _, tool := range got {
					s = append(s, tool.String())
				}
				if !slices.Equal(s, want) {
					t.Errorf("%s = %q, want %q", what, s, want)
				}
			}
			check("Shells", r.Shells, tt.shells)
			check("Compilers", r.Compilers, tt.compilers)
			check("PackageManagers", r.PackageManagers, tt.pkgs)
			check("Interpreters", r.Interpreters, tt.interprs)
			if r.HasShell() != (len(tt.shells) > 0) || r.HasCompiler() != (len(tt.compilers) > 0) ||
				r.HasPackageManager() != (len(tt.pkgs) > 0) {
				t.Errorf("Has… disagree with the lists: %v %v %v", r.HasShell(), r.HasCompiler(), r.HasPackageManager())
			}
		})
	}
}

func TestAnalyzeNames(t *testing.T) {
	tests := []struct {
		name string
		fs   []tar.Header
		tool func(Report) []Tool
		want []string
	}{
		{"versions", pythonFS, func(r Report) []Tool { return r.Interpreters }, []string{"nodejs", "python,python3,python3.13"}},
		{"pip", pythonFS, func(r Report) []Tool { return r.PackageManagers }, []string{"npm", "pip,pip3,pip3.13"}},
		{"gcc", debianFS, func(r Report) []Tool { return r.Compilers }, []string{"cc", "gcc,gcc-12", "go"}},
		{"hard-linked perl", debianFS, func(r Report) []Tool { return r.Interpreters }, []string{"perl,perl5.36.0"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, tool := range tt.tool(analyze(t, tt.fs...)) {
				got = append(got, strings.Join(tool.Names, ","))
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("Names = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestAnalyzeCounts(t *testing.T) {
	tests := []struct {
		name                          string
		fs                            []tar.Header
		files, dirs, symlinks, others int
		bytes                         int64
		top                           []string // path:bytes:files, biggest first
		whiteouts                     int
	}{
		{
			name: "alpine", fs: alpineFS, files: 4, dirs: 4, symlinks: 4, bytes: 1_470_200,
			top: []string{"/bin:800000:1", "/lib:600000:1", "/sbin:70000:1", "/etc:200:1", "/usr:0:0"},
		},
		{
			name: "hard link counted as a file, its bytes once", fs: debianFS, files: 11, dirs: 10, symlinks: 8,
			bytes: 26_560_000,
			top:   []string{"/usr:26560000:11", "/bin:0:0", "/etc:0:0", "/lib:0:0", "/sbin:0:0", "/tmp:0:0"},
		},
		{
			name:  "app copied to the root, directories implied by their files",
			fs:    []tar.Header{file("app", 5_000_000), data("etc/ssl/certs/ca.crt", 1000)},
			files: 2, bytes: 5_001_000, top: []string{"/app:5000000:1", "/etc:1000:1"},
		},
		{
			name: "leading slash, dot-slash and bare forms are one path; the last duplicate wins",
			fs: []tar.Header{
				dir("./usr/"), dir("/usr/"), dir("usr"), data("usr/a", 10), data("/usr/a", 20), data("./usr/a", 30),
				data("usr//b/../c", 1),
			},
			files: 2, dirs: 1, bytes: 31, top: []string{"/usr:31:2"},
		},
		{
			name: "whiteouts, devices and the root itself are tolerated",
			fs: []tar.Header{
				dir("./"), dir("/"), data("usr/.wh.gone", 0), data("opt/.wh..wh..opq", 0), data("opt/kept", 5),
				{Typeflag: tar.TypeChar, Name: "dev/null", Mode: 0o666, Devmajor: 1, Devminor: 3},
				{Typeflag: tar.TypeFifo, Name: "run/fifo", Mode: 0o600},
			},
			files: 1, others: 2, bytes: 5, whiteouts: 2,
			top: []string{"/opt:5:1", "/dev:0:0", "/run:0:0"},
		},
		{
			name:  "paths cannot climb out of the root",
			fs:    []tar.Header{data("../../etc/passwd", 7), data("/../x", 1)},
			files: 2, bytes: 8, top: []string{"/etc:7:1", "/x:1:1"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := analyze(t, tt.fs...)
			if r.Files != tt.files || r.Dirs != tt.dirs || r.Symlinks != tt.symlinks || r.Others != tt.others ||
				r.Bytes != tt.bytes || r.Whiteouts != tt.whiteouts {
				t.Errorf("files %d dirs %d symlinks %d others %d bytes %d whiteouts %d, want %d %d %d %d %d %d",
					r.Files, r.Dirs, r.Symlinks, r.Others, r.Bytes, r.Whiteouts,
					tt.files, tt.dirs, tt.symlinks, tt.others, tt.bytes, tt.whiteouts)
			}
			var top []string
			for _, u := range r.Top {
				top = append(top, u.Path+":"+itoa(u.Bytes)+":"+itoa(int64(u.Files)))
			}
			if !slices.Equal(top, tt.top) {
				t.Errorf("Top = %q, want %q", top, tt.top)
			}
			if !slices.IsSortedFunc(r.Entries, func(a, b Entry) int { return comparePaths(a.Path, b.Path) }) {
				t.Error("Entries not sorted")
			}
		})
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func TestAnalyzeTopKinds(t *testing.T) {
	r := analyze(t, debianFS...)
	kinds := map[string]Kind{}
	for _, u := range r.Top {
		kinds[u.Path] = u.Kind
	}
	if kinds["/bin"] != KindSymlink || kinds["/usr"] != KindDir {
		t.Errorf("top kinds = %v", kinds)
	}
	r = analyze(t, file("app", 10), data("etc/passwd", 1))
	if r.Top[0].Kind != KindFile || r.Top[1].Kind != KindDir {
		t.Errorf("top = %+v", r.Top)
	}
}

func TestList(t *testing.T) {
	r := analyze(t, append(slices.Clone(debianFS), dir("usr/local-x/"), data("usr/local-x/f", 1), data("usr/local0", 1))...)
	tests := []struct {
		prefix string
		max    int
		want   []string
		more   int
	}{
		{"/usr/local", 0, []string{"/usr/local/", "/usr/local/go/", "/usr/local/go/bin/", "/usr/local/go/bin/go", "/usr/local/go/bin/gofmt"}, 0},
		{"usr/local/", 2, []string{"/usr/local/", "/usr/local/go/"}, 3},
		{"/usr/local/go/bin/go", 0, []string{"/usr/local/go/bin/go"}, 0},
		{"/etc", 0, []string{"/etc/", "/etc/alternatives/", "/etc/alternatives/cc -> /usr/bin/gcc"}, 0},
		{"/nowhere", 5, nil, 0},
		// /bin links to usr/bin: list what it points at, as ls /bin/ does.
		{"/bin", 3, []string{"/usr/bin/", "/usr/bin/apt", "/usr/bin/apt-get"}, 10},
		{"/", 1, []string{"/bin -> usr/bin"}, len(r.Entries) - 1},
		{"", 0, nil, 0}, // checked below: everything
	}
	for _, tt := range tests {
		t.Run(tt.prefix, func(t *testing.T) {
			list, more := r.List(tt.prefix, tt.max)
			if tt.prefix == "" {
				if len(list) != len(r.Entries) || more != 0 {
					t.Errorf("List(\"\") = %d entries, %d more; want all %d", len(list), more, len(r.Entries))
				}
				return
			}
			var got []string
			for _, e := range list {
				got = append(got, e.String())
			}
			if !slices.Equal(got, tt.want) || more != tt.more {
				t.Errorf("List(%q, %d) = %q, %d more; want %q, %d more", tt.prefix, tt.max, got, more, tt.want, tt.more)
			}
		})
	}
	list, _ := r.List("/usr", 2)
	_ = append(list, Entry{Path: "/clobber"}) // a caller's append must not write into Entries
	if r.Entries[slices.IndexFunc(r.Entries, func(e Entry) bool { return e.Path == "/usr" })+2].Path == "/clobber" {
		t.Error("List returned a slice with room to overwrite Entries")
	}
}

func TestStat(t *testing.T) {
	r := analyze(t, append(slices.Clone(debianFS), symlink("usr/bin/loop", "loop"), symlink("usr/bin/up", "../../../../etc"))...)
	tests := []struct {
		path string
		want string // Entry.String(), or "" when not found
	}{
		{"/bin/sh", "/usr/bin/dash"},
		{"bin/sh", "/usr/bin/dash"},
		{"/bin/../local/go/bin/go", "/usr/local/go/bin/go"}, // /bin/.. is /usr, not /
		{"/bin/../etc/alternatives/cc", ""},
		{"/etc/alternatives/cc", "/usr/bin/x86_64-linux-gnu-gcc-12"},
		{"/usr/bin/perl5.36.0", "/usr/bin/perl"},
		{"/bin", "/usr/bin/"},
		{"/usr/local/go", "/usr/local/go/"},
		{"/", "/"},
		{"/usr/bin/up/alternatives", "/etc/alternatives/"},
		{"/usr/bin/loop", ""},
		{"/usr/bin/dash/x", ""},
		{"/nope", ""},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			e, ok := r.Stat(tt.path)
			got := ""
			if ok {
				got = e.String()
			}
			if got != tt.want {
				t.Errorf("Stat(%q) = %q, want %q", tt.path, got, tt.want)
			}
		})
	}
	implied := analyze(t, data("a/b/c", 1))
	if e, ok := implied.Stat("/a/b"); !ok || e.Kind != KindDir {
		t.Errorf("implied directory: %+v %v", e, ok)
	}
	if e, ok := (Report{}).Stat("/"); !ok || e.Kind != KindDir {
		t.Errorf("root of an empty report: %+v %v", e, ok)
	}
}

func TestSkipContainerFiles(t *testing.T) {
	// What `docker export` gives for a container of `FROM scratch` + `COPY app /app`.
	export := []tar.Header{
		file(".dockerenv", 0), file("app", 1234), dir("dev/"), file("dev/console", 0), dir("dev/pts/"),
		dir("dev/shm/"), dir("etc/"), file("etc/hostname", 0), file("etc/hosts", 0), symlink("etc/mtab", "/proc/mounts"),
		file("etc/resolv.conf", 0), dir("proc/"), dir("sys/"),
	}
	tests := []struct {
		name string
		fs   []tar.Header
		want []string
	}{
		{"scratch", export, []string{"/app"}},
		{"the image's own files stay", append(slices.Clone(export), data("etc/passwd", 10), data("etc/hosts", 5)),
			[]string{"/app", "/etc/", "/etc/hosts", "/etc/passwd"}},
		{"an image's own /proc content stays", append(slices.Clone(export), data("proc/x", 1)), []string{"/app", "/proc/", "/proc/x"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := Analyze(bytes.NewReader(tarOf(t, tt.fs...)), SkipContainerFiles())
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, e := range r.Entries {
				got = append(got, e.String())
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("entries = %q, want %q", got, tt.want)
			}
		})
	}
	if r := analyze(t, export...); r.Files != 6 {
		t.Errorf("without the option: %d files, want all 6", r.Files)
	}
}

func TestAnalyzeErrors(t *testing.T) {
	whole := tarOf(t, alpineFS...)
	tests := []struct {
		name    string
		in      []byte
		wantErr bool
	}{
		{"empty stream", nil, false},
		{"end-of-archive blocks only", make([]byte, 1024), false},
		{"not a tar", []byte(strings.Repeat("hello world\n", 100)), true},
		{"cut in the middle of a file", whole[:1700], true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := Analyze(bytes.NewReader(tt.in))
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, want error: %v", err, tt.wantErr)
			}
			if err != nil && !strings.Contains(err.Error(), "read filesystem tar") {
				t.Errorf("error without context: %v", err)
			}
			if !tt.wantErr && (r.Files != 0 || len(r.Entries) != 0) {
				t.Errorf("report of nothing: %+v", r)
			}
		})
	}
}

func TestFromEntriesMatchesAnalyze(t *testing.T) {
	for name, fs := range map[string][]tar.Header{"alpine": alpineFS, "debian": debianFS, "python": pythonFS} {
		t.Run(name, func(t *testing.T) {
			want := analyze(t, fs...)
			var es []Entry
			for _, h := range fs {
				e := Entry{Path: h.Name, Mode: fileMode(h.Mode), Link: h.Linkname}
				switch h.Typeflag {
				case tar.TypeReg:
					e.Kind, e.Size = KindFile, h.Size
				case tar.TypeDir:
					e.Kind = KindDir
				case tar.TypeSymlink:
					e.Kind = KindSymlink
				case tar.TypeLink:
					e.Kind = KindHardlink
				}
				es = append(es, e)
			}
			orig := slices.Clone(es)
			got := FromEntries(es)
			if !slices.Equal(es, orig) {
				t.Error("FromEntries modified its argument")
			}
			if got.Files != want.Files || got.Bytes != want.Bytes || len(got.Entries) != len(want.Entries) ||
				len(got.Shells) != len(want.Shells) || len(got.Compilers) != len(want.Compilers) ||
				len(got.Interpreters) != len(want.Interpreters) || len(got.PackageManagers) != len(want.PackageManagers) {
				t.Errorf("FromEntries = %+v\nAnalyze = %+v", got, want)
			}
		})
	}
}

func TestFamily(t *testing.T) {
	tests := map[string]string{
		"python3.13": "python", "python3": "python", "python": "python", "pip3.13": "pip", "g++-12": "g++",
		"gcc-12": "gcc", "perl5.36.0": "perl", "lua5.4": "lua", "nodejs": "node", "7z": "7z", "x86_64-linux-gnu-gcc-12": "x86_64-linux-gnu-gcc",
		"apt-get": "apt-get", "c++": "c++", "123": "123",
	}
	for in, want := range tests {
		if got := family(in); got != want {
			t.Errorf("family(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestComparePaths(t *testing.T) {
	sorted := []string{"/", "/usr", "/usr/bin", "/usr/bin/z", "/usr/local", "/usr/local/a", "/usr-x", "/usr0", "/usra"}
	for i := range sorted {
		for j := range sorted {
			if got, want := comparePaths(sorted[i], sorted[j]), cmpInt(i, j); got != want {
				t.Errorf("comparePaths(%q, %q) = %d, want %d", sorted[i], sorted[j], got, want)
			}
		}
	}
}

func cmpInt(a, b int) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// TestAnalyzeLegacyRegularFiles: pre-POSIX archives mark a regular file with a NUL type flag
// (tar.TypeRegA). archive/tar reads those as tar.TypeReg, or tar.TypeDir for a name ending in
// "/", so Analyze needs no case of its own for them (staticcheck SA1019, issue 10 bug 11).
func TestAnalyzeLegacyRegularFiles(t *testing.T) {
	raw := tarOf(t, data("etc/motd", 5), dir("srv/"))
	// Rewrite both headers' type flags to NUL and fix their checksums.
	for _, off := range []int{0, 1024} { // motd's 5 bytes take one 512-byte block
		h := raw[off : off+512]
		h[156] = 0
		copy(h[148:156], "        ")
		sum := 0
		for _, b := range h {
			sum += int(b)
		}
		copy(h[148:156], fmt.Sprintf("%06o\x00 ", sum))
	}
	r, err := Analyze(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]Entry{}
	for _, e := range r.Entries {
		got[e.Path] = e
	}
	if e := got["/etc/motd"]; e.Kind != KindFile || e.Size != 5 {
		t.Errorf("/etc/motd: %+v, want a 5-byte file", e)
	}
	if e := got["/srv"]; e.Kind != KindDir {
		t.Errorf("/srv: %+v, want a directory", e)
	}
}

// TestProgramPaths: the paths a single-path check looks at are the ones Analyze would report,
// shells with /bin first, and nothing for an unknown kind.
func TestProgramPaths(t *testing.T) {
	shells := ProgramPaths(Shells)
	if len(shells) == 0 || shells[0] != "/bin/ash" || !slices.Contains(shells, "/busybox/sh") {
		t.Errorf("shells start %v", shells[:min(3, len(shells))])
	}
	for kind, want := range map[string]string{Compilers: "/usr/local/go/bin/go", PackageManagers: "/usr/bin/apt-get"} {
		got := ProgramPaths(kind)
		if !slices.Contains(got, want) {
			t.Errorf("%s lacks %s", kind, want)
		}
		// Every listed path, as a file of an image, is found by Analyze as that kind.
		for _, p := range got {
			rep := FromEntries([]Entry{{Path: p, Kind: KindFile, Mode: 0o755, Size: 1}})
			if kind == Compilers && !rep.HasCompiler() || kind == PackageManagers && !rep.HasPackageManager() {
				t.Errorf("%s: Analyze does not report %s", kind, p)
			}
		}
	}
	if got := ProgramPaths("editors"); got != nil {
		t.Errorf("unknown kind: %v", got)
	}
}
