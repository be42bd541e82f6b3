package exercise

import (
	"bytes"
	"context"
	"debug/elf"
	"encoding/binary"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"

	"github.com/docktutor/docktutor/internal/engine"
	"github.com/docktutor/docktutor/internal/inside"
	"github.com/docktutor/docktutor/internal/lesson"
)

// pathGoal decides a goal that reads paths of the image through the probe.
func (c *checker) pathGoal(ctx context.Context, p engine.Probe, g lesson.Goal) (Verdict, error) {
	switch g.Check {
	case lesson.CheckNoShell:
		return c.noProgram(ctx, p, inside.Shells, "shell")
	case lesson.CheckNoCompiler:
		return c.noProgram(ctx, p, inside.Compilers, "compiler")
	case lesson.CheckNoPackageManager:
		return c.noProgram(ctx, p, inside.PackageManagers, "package manager")
	case lesson.CheckAbsent, lesson.CheckPresent:
		var wrong []string
		for _, name := range g.Paths {
			info, err := p.Stat(ctx, name)
			if err != nil {
				return Verdict{}, err
			}
			if info.Exists != (g.Check == lesson.CheckPresent) {
				wrong = append(wrong, name)
			}
		}
		switch {
		case len(wrong) == 0 && g.Check == lesson.CheckAbsent:
			return Verdict{Passed: true, Measured: "none of them there"}, nil
		case len(wrong) == 0:
			return Verdict{Passed: true, Measured: "all there"}, nil
		case g.Check == lesson.CheckAbsent:
			return Verdict{Measured: "found " + strings.Join(wrong, ", "), Where: c.theImage()}, nil
		}
		return Verdict{Measured: "missing " + strings.Join(wrong, ", "), Where: "the COPY lines of the last stage"}, nil
	case lesson.CheckUserNotRoot:
		return c.userNotRoot(ctx, p)
	case lesson.CheckStaticBinary:
		return c.staticBinary(ctx, p, g.Path)
	}
	return Verdict{Measured: "unknown check " + g.Check}, nil
}

// noProgram looks for a program of the kind where a PATH would find it, by the names the
// inside report uses. A directory the image lacks rules out every name in it with one stat,
// and a directory that is a link to another one listed (/bin -> /usr/bin) is read once: a
// distroless image answers in a few stats, a toolchain image at its first find.
func (c *checker) noProgram(ctx context.Context, p engine.Probe, kind, noun string) (Verdict, error) {
	dirs := map[string]bool{} // dir -> worth looking in
	// Name by name, each in every directory: an image with a compiler usually has cc or c++,
	// found in a handful of stats rather than after every name of the first directories.
	candidates := inside.ProgramPaths(kind)
	slices.SortStableFunc(candidates, func(a, b string) int { return strings.Compare(path.Base(a), path.Base(b)) })
	for _, candidate := range candidates {
		dir := path.Dir(candidate)
		look, seen := dirs[dir]
		if !seen {
			info, err := p.Stat(ctx, dir)
			if err != nil {
				return Verdict{}, err
			}
			switch {
			case !info.Exists:
				look = false
			case info.Mode&fs.ModeSymlink != 0:
				// /bin -> /usr/bin: the target is searched under its own name when listed.
				look = !listedDir(kind, info.LinkTarget)
			default:
				look = info.Mode.IsDir()
			}
			dirs[dir] = look
		}
		if !look {
			continue
		}
		info, err := p.Stat(ctx, candidate)
		if err != nil {
			return Verdict{}, err
		}
		if info.Exists && (info.Mode.IsRegular() || info.Mode&fs.ModeSymlink != 0) && runnable(ctx, p, info) {
			found := candidate
			if info.LinkTarget != "" {
				found += " -> " + info.LinkTarget
			}
			return Verdict{Measured: "found " + noun + " " + found, Where: c.theImage()}, nil
		}
	}
	return Verdict{Passed: true, Measured: "no " + noun + " found"}, nil
}

// listedDir says whether dir is one of the directories ProgramPaths searches for kind.
func listedDir(kind, dir string) bool {
	for _, candidate := range inside.ProgramPaths(kind) {
		if path.Dir(candidate) == dir {
			return true
		}
	}
	return false
}

// runnable says whether a found path is an executable file, following a link once more
// through the probe. BusyBox counts only as a shell, as in the inside report; here a link to
// busybox found under a compiler's name is rare enough to count as found.
func runnable(ctx context.Context, p engine.Probe, info engine.PathInfo) bool {
	if info.Mode&fs.ModeSymlink != 0 {
		to, err := p.Stat(ctx, info.LinkTarget)
		if err != nil || !to.Exists {
			return false
		}
		info = to
	}
	return info.Mode.IsRegular() && info.Mode&0o111 != 0
}

// userNotRoot reads the image's USER, looking a name up in the image's /etc/passwd.
func (c *checker) userNotRoot(ctx context.Context, p engine.Probe) (Verdict, error) {
	user := c.info.User
	if user == "" {
		return Verdict{Measured: "no USER: runs as root", Where: "add USER to the last stage"}, nil
	}
	name, _, _ := strings.Cut(user, ":")
	var passwd []byte
	if !isNumber(name) && name != "root" {
		b, err := p.ReadFile(ctx, "/etc/passwd", 1<<20)
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return Verdict{}, err
		}
		passwd = b
	}
	root, uid := userIsRoot(user, passwd)
	switch {
	case root:
		return Verdict{Measured: fmt.Sprintf("USER %s: root (uid 0)", user), Where: "USER in the last stage"}, nil
	case uid < 0:
		return Verdict{Measured: fmt.Sprintf("USER %s: no such user in /etc/passwd, the container cannot start", user), Where: "use a uid, or a user the base image defines"}, nil
	}
	return Verdict{Passed: true, Measured: fmt.Sprintf("USER %s (uid %d)", user, uid)}, nil
}

func isNumber(s string) bool {
	return s != "" && strings.Trim(s, "0123456789") == ""
}

// elfHead is how much of a binary staticBinary reads at first: the ELF header and, in every
// binary seen in practice, the program headers right after it.
const elfHead = 64 << 10

// staticBinary reads the file's ELF program headers: a static binary has no PT_INTERP.
func (c *checker) staticBinary(ctx context.Context, p engine.Probe, name string) (Verdict, error) {
	data, err := p.ReadFile(ctx, name, elfHead)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return Verdict{Measured: name + ": no such file", Where: "the COPY of the binary in the last stage"}, nil
	case errors.Is(err, engine.ErrNotRegular):
		return Verdict{Measured: name + ": not a regular file"}, nil
	case err != nil:
		return Verdict{}, err
	}
	interp, err := elfInterpreter(data)
	if errors.Is(err, errShort) {
		// Program headers beyond the first read: read as far as they go.
		var more []byte
		if more, err = p.ReadFile(ctx, name, int64(errShortNeed(data))); err == nil {
			interp, err = elfInterpreter(more)
		}
	}
	switch {
	case err != nil:
		return Verdict{Measured: name + ": " + err.Error()}, nil
	case interp != "":
		return Verdict{Measured: "dynamic: needs the loader " + interp, Where: "build with CGO_ENABLED=0 (Go), or static linking"}, nil
	}
	return Verdict{Passed: true, Measured: "static: no ELF interpreter"}, nil
}

var errShort = errors.New("program headers beyond the bytes read")

// elfInterpreter returns the PT_INTERP path of an ELF file from its first bytes, "" for a
// static binary. debug/elf's NewFile wants the section headers at the end of the file too;
// only the ELF header and the program headers are read here.
func elfInterpreter(data []byte) (string, error) {
	if len(data) < 16 || string(data[:4]) != elf.ELFMAG {
		return "", errors.New("not an ELF file")
	}
	var order binary.ByteOrder = binary.LittleEndian
	if elf.Data(data[elf.EI_DATA]) == elf.ELFDATA2MSB {
		order = binary.BigEndian
	}
	var phoff uint64
	var entsz, num uint16
	switch elf.Class(data[elf.EI_CLASS]) {
	case elf.ELFCLASS64:
		var h elf.Header64
		if err := binary.Read(bytes.NewReader(data), order, &h); err != nil {
			return "", errors.New("truncated ELF header")
		}
		phoff, entsz, num = h.Phoff, h.Phentsize, h.Phnum
	case elf.ELFCLASS32:
		var h elf.Header32
		if err := binary.Read(bytes.NewReader(data), order, &h); err != nil {
			return "", errors.New("truncated ELF header")
		}
		phoff, entsz, num = uint64(h.Phoff), h.Phentsize, h.Phnum
	default:
		return "", errors.New("unknown ELF class")
	}
	end := phoff + uint64(entsz)*uint64(num)
	if end > uint64(len(data)) {
		return "", errShort
	}
	for i := uint64(0); i < uint64(num); i++ {
		at := data[phoff+i*uint64(entsz):]
		var typ elf.ProgType
		var off, size uint64
		if elf.Class(data[elf.EI_CLASS]) == elf.ELFCLASS64 {
			var pr elf.Prog64
			if err := binary.Read(bytes.NewReader(at), order, &pr); err != nil {
				return "", errors.New("truncated program header")
			}
			typ, off, size = elf.ProgType(pr.Type), pr.Off, pr.Filesz
		} else {
			var pr elf.Prog32
			if err := binary.Read(bytes.NewReader(at), order, &pr); err != nil {
				return "", errors.New("truncated program header")
			}
			typ, off, size = elf.ProgType(pr.Type), uint64(pr.Off), uint64(pr.Filesz)
		}
		if typ != elf.PT_INTERP {
			continue
		}
		if off+size > uint64(len(data)) || size == 0 {
			return "(an interpreter beyond the bytes read)", nil
		}
		return strings.TrimRight(string(data[off:off+size]), "\x00"), nil
	}
	return "", nil
}

// errShortNeed is how many bytes hold the program headers of a header in data.
func errShortNeed(data []byte) uint64 {
	if len(data) >= 64 && elf.Class(data[elf.EI_CLASS]) == elf.ELFCLASS64 {
		var h elf.Header64
		_ = binary.Read(bytes.NewReader(data), binary.LittleEndian, &h)
		return h.Phoff + uint64(h.Phentsize)*uint64(h.Phnum)
	}
	return elfHead * 4
}
