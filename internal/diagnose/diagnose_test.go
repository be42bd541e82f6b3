package diagnose

import (
	"bytes"
	"context"
	"debug/elf"
	"encoding/binary"
	"strings"
	"testing"

	"github.com/docktutor/docktutor/internal/enginefake"
	"github.com/docktutor/docktutor/internal/inside"
)

const ldLinux = "/lib64/ld-linux-x86-64.so.2"

// elfWith is the head of a little-endian ELF64 executable whose PT_INTERP names interp (none
// when empty): what Exec reads of a binary.
func elfWith(t *testing.T, interp string) []byte {
	t.Helper()
	var b bytes.Buffer
	ident := [elf.EI_NIDENT]byte{0x7f, 'E', 'L', 'F', byte(elf.ELFCLASS64), byte(elf.ELFDATA2LSB), 1}
	h := elf.Header64{Ident: ident, Type: uint16(elf.ET_EXEC), Machine: uint16(elf.EM_X86_64), Version: 1,
		Phoff: 64, Ehsize: 64, Phentsize: 56, Phnum: 1}
	p := elf.Prog64{Type: uint32(elf.PT_LOAD)}
	if interp != "" {
		p = elf.Prog64{Type: uint32(elf.PT_INTERP), Off: 120, Filesz: uint64(len(interp) + 1)}
	}
	for _, v := range []any{h, p} {
		if err := binary.Write(&b, binary.LittleEndian, v); err != nil {
			t.Fatal(err)
		}
	}
	b.WriteString(interp + "\x00")
	return b.Bytes()
}

// image is a fake image holding files (path → bytes) and the given links, probed by Exec.
func image(t *testing.T, files map[string][]byte, links map[string]string) *enginefake.Engine {
	t.Helper()
	var entries []inside.Entry
	for p, data := range files {
		entries = append(entries, inside.Entry{Path: p, Kind: inside.KindFile, Size: int64(len(data)), Mode: 0o755})
	}
	for p, to := range links {
		entries = append(entries, inside.Entry{Path: p, Kind: inside.KindSymlink, Link: to})
	}
	fe := enginefake.New(nil)
	fe.Inside = map[string]inside.Report{"img": inside.FromEntries(entries)}
	fe.FileData = map[string]map[string][]byte{"img": files}
	return fe
}

func TestExec(t *testing.T) {
	dynamic, static := elfWith(t, ldLinux), elfWith(t, "")
	const runcSays = "exec /webapp: no such file or directory\n"
	for _, tt := range []struct {
		name    string
		files   map[string][]byte
		links   map[string]string
		output  string
		binary  string
		message string // "" for no finding
		missing string
	}{
		{"dynamic binary on distroless static", map[string][]byte{"/webapp": dynamic}, nil, runcSays, "",
			"/webapp is there, but it is dynamically linked: needs " + ldLinux + ", which this image does not have", ldLinux},
		{"the loader is there (a link, as on Debian)",
			map[string][]byte{"/webapp": dynamic, "/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2": static},
			map[string]string{ldLinux: "/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2"}, runcSays, "", "", ""},
		{"the loader's link dangles", map[string][]byte{"/webapp": dynamic},
			map[string]string{ldLinux: "/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2"}, runcSays, "",
			"which this image does not have", ldLinux},
		{"static binary: the missing file is the program's own", map[string][]byte{"/webapp": static},
			nil, runcSays, "", "", ""},
		{"no binary at all (the start fails)", nil, nil,
			`failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: exec: "/webapp": stat /webapp: no such file or directory: unknown`,
			"", "/webapp is not in this image", "/webapp"},
		{"script without its shell", map[string][]byte{"/app/run.sh": []byte("#!/bin/sh\necho hi\n")}, nil,
			"exec /app/run.sh: no such file or directory", "",
			"/app/run.sh is there, but it is a script: needs /bin/sh, which this image does not have", "/bin/sh"},
		{"a bare name found on PATH, from the entrypoint", map[string][]byte{"/usr/local/bin/webapp": dynamic}, nil,
			"exec webapp: no such file or directory", "webapp",
			"/usr/local/bin/webapp is there, but it is dynamically linked", ldLinux},
		{"the program is a link that leads nowhere (a venv's python on distroless)", nil,
			map[string]string{"/venv/bin/python": "/usr/local/bin/python"},
			`exec: "/venv/bin/python": stat /venv/bin/python: no such file or directory: unknown`, "",
			"/venv/bin/python is a symbolic link that leads nowhere", "/venv/bin/python"}, // the fake knows no target
		{"another error", map[string][]byte{"/webapp": dynamic}, nil, "panic: boom", "/webapp", "", ""},
		{"output names no program: the entrypoint is used", map[string][]byte{"/webapp": dynamic}, nil,
			"standard_init_linux.go:228: exec user process caused: no such file or directory", "/webapp",
			"dynamically linked: needs " + ldLinux, ldLinux},
	} {
		t.Run(tt.name, func(t *testing.T) {
			fe := image(t, tt.files, tt.links)
			p, err := fe.Probe(context.Background(), "img")
			if err != nil {
				t.Fatal(err)
			}
			defer p.Close()
			f, err := Exec(context.Background(), tt.output, p, tt.binary)
			if err != nil {
				t.Fatal(err)
			}
			switch {
			case tt.message == "" && f != nil:
				t.Errorf("finding %+v, want none", f)
			case tt.message != "" && f == nil:
				t.Errorf("no finding, want %q", tt.message)
			case f != nil && (!strings.Contains(f.Message, tt.message) || f.Missing != tt.missing):
				t.Errorf("finding %+v, want %q missing %s", f, tt.message, tt.missing)
			}
		})
	}
}
