package lesson_test

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite generated lesson files (the banner wheel) from testdata")

// The lesson apps must install a real package offline, so the python-deps app ships the tiny
// "banner" package as a wheel. This test builds that wheel from testdata/banner and checks that
// the committed file is exactly it; `go test ./internal/lesson -run Wheel -update` rewrites it.
const (
	wheelDist    = "docktutor_banner"
	wheelVersion = "1.0"
	wheelFile    = "../../lessons/apps/python-deps/wheels/" + wheelDist + "-" + wheelVersion + "-py3-none-any.whl"
)

func TestBannerWheel(t *testing.T) {
	want, err := buildWheel(t)
	if err != nil {
		t.Fatal(err)
	}
	if *update {
		if err := os.WriteFile(wheelFile, want, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(wheelFile)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("%s is not the wheel built from testdata/banner (run with -update)", wheelFile)
	}
	// The wheel must also be what pip expects: RECORD lists every other file with its hash.
	zr, err := zip.NewReader(bytes.NewReader(got), int64(len(got)))
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	for _, f := range zr.File {
		names[f.Name] = true
	}
	for _, n := range []string{"banner/__init__.py", distInfo() + "/METADATA", distInfo() + "/WHEEL", distInfo() + "/RECORD"} {
		if !names[n] {
			t.Errorf("wheel lacks %s", n)
		}
	}
}

func distInfo() string { return wheelDist + "-" + wheelVersion + ".dist-info" }

// buildWheel makes the wheel deterministically: fixed order, fixed timestamps.
func buildWheel(t *testing.T) ([]byte, error) {
	t.Helper()
	read := func(name string) []byte {
		data, err := os.ReadFile(filepath.Join("testdata", "banner", name))
		if err != nil {
			t.Fatal(err)
		}
		return data
	}
	files := []struct {
		name string
		data []byte
	}{
		{"banner/__init__.py", read("__init__.py")},
		{distInfo() + "/METADATA", read("METADATA")},
		{distInfo() + "/WHEEL", read("WHEEL")},
		{distInfo() + "/top_level.txt", []byte("banner\n")},
	}
	var record strings.Builder
	for _, f := range files {
		sum := sha256.Sum256(f.data)
		fmt.Fprintf(&record, "%s,sha256=%s,%d\n", f.name, base64.RawURLEncoding.EncodeToString(sum[:]), len(f.data))
	}
	fmt.Fprintf(&record, "%s/RECORD,,\n", distInfo())
	files = append(files, struct {
		name string
		data []byte
	}{distInfo() + "/RECORD", []byte(record.String())})

	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range files {
		w, err := zw.CreateHeader(&zip.FileHeader{
			Name:     f.name,
			Method:   zip.Deflate,
			Modified: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC),
		})
		if err != nil {
			return nil, err
		}
		if _, err := w.Write(f.data); err != nil {
			return nil, err
		}
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
