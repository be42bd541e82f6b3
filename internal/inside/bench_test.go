package inside

import (
	"archive/tar"
	"bytes"
	"fmt"
	"io"
	"slices"
	"testing"
)

// BenchmarkAnalyze reads a synthetic export of 20,000 entries — the order of a toolchain image
// (the golang:1.27 stand-in exports ~33,000) — laid out like Debian, with links to follow. It
// reports entries/s beside ns/op and the allocations per analysed image.
//
// The tar-only sub-benchmark is the floor: archive/tar reading the same headers, analysing
// nothing; the difference is what Analyze itself costs.
func BenchmarkAnalyze(b *testing.B) {
	data, n := synthImage(b, 20_000)
	b.Run("analyze", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			r, err := Analyze(bytes.NewReader(data), SkipContainerFiles())
			if err != nil {
				b.Fatal(err)
			}
			if len(r.Entries) != n || !r.HasShell() || !r.HasCompiler() {
				b.Fatalf("%d entries (want %d), shell %v, compiler %v", len(r.Entries), n, r.HasShell(), r.HasCompiler())
			}
		}
		b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "entries/s")
	})
	b.Run("tar-only", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			tr := tar.NewReader(bytes.NewReader(data))
			for {
				if _, err := tr.Next(); err == io.EOF {
					break
				} else if err != nil {
					b.Fatal(err)
				}
			}
		}
		b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "entries/s")
	})
}

// synthImage writes a tar of about n entries: a merged-/usr Debian skeleton with a shell,
// gcc, apt and Go, then directories of small files. File contents are tiny, since Analyze
// skips them anyway; what costs is the headers.
func synthImage(b *testing.B, n int) ([]byte, int) {
	b.Helper()
	hdrs := slices.Clone(debianFS)
	for i := 0; len(hdrs) < n; i++ {
		d := fmt.Sprintf("usr/lib/python3/dist-packages/pkg%03d/", i)
		hdrs = append(hdrs, dir(d))
		for j := 0; j < 49 && len(hdrs) < n; j++ {
			if j%10 == 9 {
				hdrs = append(hdrs, symlink(fmt.Sprintf("%smod%02d.py", d, j), fmt.Sprintf("mod%02d_impl.py", j)))
				continue
			}
			hdrs = append(hdrs, data(fmt.Sprintf("%smod%02d_impl.py", d, j), 64))
		}
	}
	for i := range hdrs {
		if hdrs[i].Typeflag == tar.TypeReg {
			hdrs[i].Size = min(hdrs[i].Size, 64)
		}
	}
	return tarOf(b, hdrs...), len(hdrs)
}
