package elfinfo

import (
	"bytes"
	"debug/elf"
	"encoding/binary"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// buildBinary builds a tiny Go program with cgo on or off, the way the lessons' Dockerfiles
// do (CGO_ENABLED=0 makes it static; cgo with gcc links it against glibc).
func buildBinary(t *testing.T, cgo bool) string {
	t.Helper()
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go command")
	}
	dir := t.TempDir()
	src := "package main\n\nfunc main() { println(\"hi\") }\n"
	env := "CGO_ENABLED=0"
	if cgo {
		if _, err := exec.LookPath("gcc"); err != nil && os.Getenv("CI") != "true" {
			t.Skip("no gcc: cannot build a dynamically linked binary")
		}
		src = "package main\n\n// int two(void) { return 2; }\nimport \"C\"\n\nfunc main() { println(C.two()) }\n"
		env = "CGO_ENABLED=1"
	}
	write(t, filepath.Join(dir, "main.go"), src)
	write(t, filepath.Join(dir, "go.mod"), "module example.com/probe\n\ngo 1.26\n")
	out := filepath.Join(dir, "app")
	cmd := exec.Command("go", "build", "-o", out, ".")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env, "GOFLAGS=-mod=mod", "GOWORK=off")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build (%s): %v\n%s", env, err, b)
	}
	return out
}

func write(t *testing.T, path, text string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

func prefix(t *testing.T, path string, n int) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b[:min(n, len(b))]
}

// interpFromStdlib is what debug/elf itself finds in the whole file, to check Read against.
func interpFromStdlib(t *testing.T, path string) string {
	t.Helper()
	f, err := elf.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			b := make([]byte, p.Filesz)
			if _, err := p.ReadAt(b, 0); err != nil {
				t.Fatal(err)
			}
			return strings.TrimRight(string(b), "\x00")
		}
	}
	return ""
}

func TestReadRealBinaries(t *testing.T) {
	for _, tc := range []struct {
		name   string
		cgo    bool
		static bool
	}{
		{"static (CGO_ENABLED=0)", false, true},
		{"dynamic (cgo, glibc)", true, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			bin := buildBinary(t, tc.cgo)
			info, err := Read(prefix(t, bin, Prefix))
			if err != nil {
				t.Fatal(err)
			}
			if info.Kind != KindELF || info.Static() != tc.static {
				t.Fatalf("Read = %+v, want ELF, static %v", info, tc.static)
			}
			if want := interpFromStdlib(t, bin); info.Interp != want {
				t.Errorf("Interp = %q, debug/elf on the whole file says %q", info.Interp, want)
			}
			if !tc.static && !strings.Contains(info.Interp, "ld-") {
				t.Errorf("Interp = %q, want a dynamic loader", info.Interp)
			}
			if !tc.static && !strings.HasPrefix(info.Describe(), "dynamically linked: needs /") {
				t.Errorf("Describe = %q", info.Describe())
			}
			if tc.static && info.Describe() != "statically linked" {
				t.Errorf("Describe = %q", info.Describe())
			}
		})
	}
}

func TestReadShortAndOdd(t *testing.T) {
	dyn := buildBinary(t, true)
	for _, tc := range []struct {
		name    string
		data    []byte
		want    Info
		wantErr error
	}{
		{"script", []byte("#!/bin/sh -e\necho hi\n"), Info{Kind: KindScript, Interp: "/bin/sh"}, nil},
		{"env script", []byte("#! /usr/bin/env python3\n"), Info{Kind: KindScript, Interp: "/usr/bin/env"}, nil},
		{"text", []byte("hello"), Info{Kind: KindOther}, nil},
		{"empty", nil, Info{Kind: KindOther}, nil},
		{"ELF magic only", []byte("\x7fELF"), Info{}, ErrTruncated},
		{"ELF header cut", prefix(t, dyn, 40), Info{}, ErrTruncated},
		{"program headers cut", prefix(t, dyn, 100), Info{}, ErrTruncated},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Read(tc.data)
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("err = %v, want %v", err, tc.wantErr)
			}
			if err == nil && got != tc.want {
				t.Errorf("Read = %+v, want %+v", got, tc.want)
			}
		})
	}
}

func TestReadBigEndian32(t *testing.T) {
	// A hand-made 32-bit big-endian header with one PT_INTERP: the other branch of the decoder.
	var b bytes.Buffer
	ident := [elf.EI_NIDENT]byte{0x7f, 'E', 'L', 'F', byte(elf.ELFCLASS32), byte(elf.ELFDATA2MSB), 1}
	h := elf.Header32{Ident: ident, Type: uint16(elf.ET_EXEC), Machine: uint16(elf.EM_MIPS), Version: 1,
		Phoff: 52, Ehsize: 52, Phentsize: 32, Phnum: 1}
	interp := "/lib/ld.so.1\x00"
	p := elf.Prog32{Type: uint32(elf.PT_INTERP), Off: 84, Filesz: uint32(len(interp))}
	for _, v := range []any{h, p} {
		if err := writeBE(&b, v); err != nil {
			t.Fatal(err)
		}
	}
	b.WriteString(interp)
	got, err := Read(b.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if got.Interp != "/lib/ld.so.1" || got.Machine != elf.EM_MIPS || got.Static() {
		t.Errorf("Read = %+v", got)
	}
}

func writeBE(b *bytes.Buffer, v any) error { return binary.Write(b, binary.BigEndian, v) }
