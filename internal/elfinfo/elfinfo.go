// Package elfinfo reads what an executable needs before the kernel can start it: for an ELF
// binary, the dynamic loader named in its PT_INTERP program header; for a script, the
// interpreter on its #! line. A container that fails with "exec /app: no such file or
// directory" although /app is there is missing exactly that file, and this says which.
//
// It reads only the start of a file (the ELF header and program headers sit in the first few
// kilobytes), so a caller can fetch a prefix of a binary out of an image instead of the whole.
package elfinfo

import (
	"bytes"
	"debug/elf"
	"encoding/binary"
	"errors"
	"fmt"
)

// Prefix is how much of a file Read needs in practice: the ELF header, the program headers
// and the interpreter path all lie in the first page of every linker's output we know of.
const Prefix = 16 << 10

// Kind says what sort of executable a file is.
type Kind int

// The kinds of file Read tells apart.
const (
	// KindOther is neither an ELF file nor a script: the kernel cannot execute it.
	KindOther Kind = iota
	// KindELF is an ELF executable or shared object.
	KindELF
	// KindScript is a text file starting with "#!".
	KindScript
)

// Info is what a file needs to be executed.
type Info struct {
	Kind Kind
	// Interp is the file the kernel loads first: the ELF program interpreter (the dynamic
	// loader, e.g. /lib64/ld-linux-x86-64.so.2) or the script's interpreter (e.g. /bin/sh).
	// It is empty for a statically linked binary, which needs nothing else.
	Interp string
	// Machine is the ELF file's architecture (elf.EM_X86_64 …); zero for a script.
	Machine elf.Machine
	// Dynamic says the ELF file has a PT_DYNAMIC segment: it is dynamically linked, or a
	// static-pie binary (which relocates itself and has no interpreter).
	Dynamic bool
}

// Static reports whether an ELF file starts without any other file: no program interpreter.
func (i Info) Static() bool { return i.Kind == KindELF && i.Interp == "" }

// ErrTruncated says the prefix given ends before the headers Read needs.
var ErrTruncated = errors.New("file ends before its ELF headers do; read more of it")

// Read reads what the file whose first bytes are data needs to be executed. data may be a
// prefix of the file (see Prefix); ErrTruncated says it was too short.
func Read(data []byte) (Info, error) {
	switch {
	case bytes.HasPrefix(data, []byte("#!")):
		return Info{Kind: KindScript, Interp: shebang(data)}, nil
	case !bytes.HasPrefix(data, []byte(elf.ELFMAG)):
		return Info{Kind: KindOther}, nil
	}
	if len(data) < elf.EI_NIDENT {
		return Info{}, ErrTruncated
	}
	var order binary.ByteOrder
	switch elf.Data(data[elf.EI_DATA]) {
	case elf.ELFDATA2LSB:
		order = binary.LittleEndian
	case elf.ELFDATA2MSB:
		order = binary.BigEndian
	default:
		return Info{}, fmt.Errorf("ELF file with unknown byte order %d", data[elf.EI_DATA])
	}
	var (
		info                 = Info{Kind: KindELF}
		phoff                uint64
		phentsize, phnum     int
		progSize, headerSize int
	)
	switch elf.Class(data[elf.EI_CLASS]) {
	case elf.ELFCLASS64:
		var h elf.Header64
		headerSize, progSize = binary.Size(h), binary.Size(elf.Prog64{})
		if len(data) < headerSize {
			return Info{}, ErrTruncated
		}
		_, _ = binary.Decode(data, order, &h)
		info.Machine, phoff, phentsize, phnum = elf.Machine(h.Machine), h.Phoff, int(h.Phentsize), int(h.Phnum)
	case elf.ELFCLASS32:
		var h elf.Header32
		headerSize, progSize = binary.Size(h), binary.Size(elf.Prog32{})
		if len(data) < headerSize {
			return Info{}, ErrTruncated
		}
		_, _ = binary.Decode(data, order, &h)
		info.Machine, phoff, phentsize, phnum = elf.Machine(h.Machine), uint64(h.Phoff), int(h.Phentsize), int(h.Phnum)
	default:
		return Info{}, fmt.Errorf("ELF file of unknown class %d", data[elf.EI_CLASS])
	}
	if phnum > 0 && phentsize < progSize {
		return Info{}, fmt.Errorf("ELF program headers of %d bytes, want at least %d", phentsize, progSize)
	}
	for i := range phnum {
		off := phoff + uint64(i*phentsize)
		if off+uint64(progSize) > uint64(len(data)) {
			return Info{}, ErrTruncated
		}
		typ, foff, fsize := progHeader(data[off:], order, progSize == binary.Size(elf.Prog64{}))
		switch typ {
		case elf.PT_DYNAMIC:
			info.Dynamic = true
		case elf.PT_INTERP:
			if foff+fsize > uint64(len(data)) {
				return Info{}, ErrTruncated
			}
			info.Interp = string(bytes.TrimRight(data[foff:foff+fsize], "\x00"))
		}
	}
	return info, nil
}

// progHeader decodes the type, file offset and file size of one program header.
func progHeader(b []byte, order binary.ByteOrder, is64 bool) (elf.ProgType, uint64, uint64) {
	if is64 {
		var p elf.Prog64
		_, _ = binary.Decode(b, order, &p)
		return elf.ProgType(p.Type), p.Off, p.Filesz
	}
	var p elf.Prog32
	_, _ = binary.Decode(b, order, &p)
	return elf.ProgType(p.Type), uint64(p.Off), uint64(p.Filesz)
}

// shebang is the interpreter a "#!" line names: its first word.
func shebang(data []byte) string {
	line, _, _ := bytes.Cut(data[2:], []byte("\n"))
	fields := bytes.Fields(line)
	if len(fields) == 0 {
		return ""
	}
	return string(fields[0])
}

// Describe says in a few words how a file runs: "statically linked", "dynamically linked:
// needs /lib64/ld-linux-x86-64.so.2", "a script: needs /bin/sh".
func (i Info) Describe() string {
	switch {
	case i.Kind == KindScript && i.Interp == "":
		return "a script with an empty #! line"
	case i.Kind == KindScript:
		return "a script: needs " + i.Interp
	case i.Kind == KindOther:
		return "not an executable (neither ELF nor a #! script)"
	case i.Interp == "":
		return "statically linked"
	}
	return "dynamically linked: needs " + i.Interp
}
