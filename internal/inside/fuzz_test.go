package inside

import (
	"archive/tar"
	"bytes"
	"strings"
	"testing"
)

// FuzzAnalyze checks that Analyze never panics nor loops, twice per input: on the raw bytes
// (mostly exercising archive/tar's own checks), and on a valid tar built from the input read
// as entry specs, so that mutations reach the path cleaning, link resolution and tool
// detection instead of dying at the first header checksum. Reports must also be consistent.
func FuzzAnalyze(f *testing.F) {
	// The images of the tests as entry specs, and one as a raw tar: small seeds, since the
	// fuzzer minimises every new input and a tar of 512-byte headers minimises slowly.
	for _, fs := range [][]tar.Header{alpineFS, debianFS, pythonFS, distrolessFS} {
		f.Add(spec(fs))
	}
	f.Add(tarOf(f, data("etc/passwd", 3), symlink("bin/sh", "busybox"), file("bin/busybox", 2)))
	f.Add([]byte("d usr/bin\nf usr/bin/gcc-12\nl usr/bin/gcc>gcc-12\nl bin>usr/bin\nh usr/bin/cc>usr/bin/gcc-12\n"))
	f.Add([]byte("l a>b\nl b>a\nl bin/sh>../../../a/../bin/sh\nw .wh.x\nf ./x/../../y\n"))
	f.Add([]byte("l bin/sh>/\nl /bin/bash>.\nl usr>..\nf usr/bin/python3\nl busybox/sh>/usr/bin/python3\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		if r, err := Analyze(bytes.NewReader(data)); err == nil {
			checkReport(t, r)
		}
		r, err := Analyze(bytes.NewReader(specTar(data)), SkipContainerFiles())
		if err != nil {
			t.Fatalf("Analyze of a well-formed tar: %v", err)
		}
		checkReport(t, r)
	})
}

// specTar reads data as lines "TYPE NAME[>LINK]" (TYPE f, d, l, h, c or w) and writes them as a
// tar; the file sizes come from the name's length so that byte counts vary.
func specTar(data []byte) []byte {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for line := range strings.SplitSeq(string(data), "\n") {
		typ, rest, _ := strings.Cut(line, " ")
		name, link, _ := strings.Cut(rest, ">")
		h := tar.Header{Name: name, Linkname: link, Mode: 0o755, Format: tar.FormatPAX}
		switch typ {
		case "f", "w":
			h.Typeflag, h.Size = tar.TypeReg, int64(len(name)%7)
		case "d":
			h.Typeflag = tar.TypeDir
		case "l":
			h.Typeflag = tar.TypeSymlink
		case "h":
			h.Typeflag = tar.TypeLink
		case "c":
			h.Typeflag = tar.TypeChar
		default:
			continue
		}
		if tw.WriteHeader(&h) != nil {
			continue // a name tar cannot hold
		}
		_, _ = tw.Write(make([]byte, h.Size))
	}
	_ = tw.Close()
	return buf.Bytes()
}

// spec writes headers as specTar reads them.
func spec(hdrs []tar.Header) []byte {
	var b bytes.Buffer
	for _, h := range hdrs {
		typ := map[byte]string{tar.TypeReg: "f", tar.TypeDir: "d", tar.TypeSymlink: "l", tar.TypeLink: "h"}[h.Typeflag]
		if typ == "" {
			typ = "c"
		}
		b.WriteString(typ + " " + h.Name)
		if h.Linkname != "" {
			b.WriteString(">" + h.Linkname)
		}
		b.WriteByte('\n')
	}
	return b.Bytes()
}

// checkReport checks what must hold of any Report.
func checkReport(t *testing.T, r Report) {
	t.Helper()
	if r.Files+r.Dirs+r.Symlinks+r.Others != len(r.Entries) {
		t.Errorf("counts %d+%d+%d+%d != %d entries", r.Files, r.Dirs, r.Symlinks, r.Others, len(r.Entries))
	}
	for i, e := range r.Entries {
		if !strings.HasPrefix(e.Path, "/") || e.Path == "/" || cleanPath(e.Path) != e.Path {
			t.Errorf("entry path %q not absolute and clean", e.Path)
		}
		if i > 0 && comparePaths(r.Entries[i-1].Path, e.Path) >= 0 {
			t.Errorf("entries out of order or repeated: %q, %q", r.Entries[i-1].Path, e.Path)
		}
		r.Stat(e.Path) // must end
	}
	var bytes int64
	files := 0
	for _, u := range r.Top {
		bytes += u.Bytes
		files += u.Files
	}
	if bytes != r.Bytes || files != r.Files {
		t.Errorf("Top adds up to %d bytes in %d files, report says %d in %d", bytes, files, r.Bytes, r.Files)
	}
	for cat, ts := range [][]Tool{r.Shells, r.Compilers, r.PackageManagers, r.Interpreters} {
		for _, tool := range ts {
			if !r.isRunnable(tool.Path, category(cat)) {
				t.Errorf("tool %s does not resolve to an executable file", tool)
			}
		}
	}
	if all, more := r.List("/", 0); len(all) != len(r.Entries) || more != 0 {
		t.Errorf("List(/) = %d entries, want %d", len(all), len(r.Entries))
	}
}
