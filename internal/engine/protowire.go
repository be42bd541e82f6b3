package engine

import (
	"encoding/binary"
	"errors"
	"time"
)

// This file decodes the few protobuf messages of BuildKit's progress stream by hand. The full
// definitions live in github.com/moby/buildkit/api/services/control/control.proto; importing
// them would pull BuildKit's gRPC stack into the binary for six fields, and
// google.golang.org/protobuf is not otherwise a dependency of this module.
//
// The wire format: a message is a sequence of (tag, value); tag = field<<3 | wire type; wire
// type 0 is a varint, 1 a fixed 64-bit, 2 length-delimited bytes (strings, bytes, nested
// messages, packed repeated fields), 5 a fixed 32-bit. Unknown fields are skipped, so newer
// daemons that add fields still decode.

var errMalformed = errors.New("malformed protobuf")

const (
	wireVarint  = 0
	wireFixed64 = 1
	wireBytes   = 2
	wireFixed32 = 5
)

// pbStatus is moby.buildkit.v1.StatusResponse, keeping what the decoder uses. Its slices are
// reused from one message to the next; the byte slices alias the payload.
type pbStatus struct {
	vertexes []pbVertex // field 1
	logs     []pbLog    // field 3
	warnings []pbWarning
}

// pbVertex is moby.buildkit.v1.Vertex.
type pbVertex struct {
	digest       []byte // 1
	name         []byte // 3
	cached       bool   // 4
	started      time.Time
	hasStarted   bool // 5 present
	completed    time.Time
	hasCompleted bool   // 6 present
	err          []byte // 7
}

// pbLog is moby.buildkit.v1.VertexLog.
type pbLog struct {
	vertex []byte // 1
	msg    []byte // 4
}

// pbWarning is moby.buildkit.v1.VertexWarning (BuildKit ≥ 0.11; absent from Docker 20.10).
type pbWarning struct {
	vertex []byte // 1
	short  []byte // 3
}

// field is one decoded (tag, value).
type field struct {
	num   int
	typ   int
	u     uint64 // varint and fixed values
	bytes []byte // length-delimited values
}

// nextField decodes the field at the start of b and returns the rest.
func nextField(b []byte) (field, []byte, error) {
	tag, n := binary.Uvarint(b)
	if n <= 0 {
		return field{}, nil, errMalformed
	}
	b = b[n:]
	f := field{num: int(tag >> 3), typ: int(tag & 7)}
	if f.num <= 0 || tag>>3 > 1<<29 {
		return field{}, nil, errMalformed
	}
	switch f.typ {
	case wireVarint:
		f.u, n = binary.Uvarint(b)
		if n <= 0 {
			return field{}, nil, errMalformed
		}
		return f, b[n:], nil
	case wireFixed64:
		if len(b) < 8 {
			return field{}, nil, errMalformed
		}
		f.u = binary.LittleEndian.Uint64(b)
		return f, b[8:], nil
	case wireFixed32:
		if len(b) < 4 {
			return field{}, nil, errMalformed
		}
		f.u = uint64(binary.LittleEndian.Uint32(b))
		return f, b[4:], nil
	case wireBytes:
		l, n := binary.Uvarint(b)
		if n <= 0 || l > uint64(len(b)-n) {
			return field{}, nil, errMalformed
		}
		f.bytes = b[n : n+int(l)]
		return f, b[n+int(l):], nil
	}
	return field{}, nil, errMalformed // groups (3, 4) are not used by these messages
}

// parseStatus decodes a StatusResponse into st, reusing its slices.
func parseStatus(b []byte, st *pbStatus) error {
	st.vertexes = st.vertexes[:0]
	st.logs = st.logs[:0]
	st.warnings = st.warnings[:0]
	for len(b) > 0 {
		f, rest, err := nextField(b)
		if err != nil {
			return err
		}
		b = rest
		if f.typ != wireBytes {
			continue
		}
		switch f.num {
		case 1:
			var v pbVertex
			if err := parseVertex(f.bytes, &v); err != nil {
				return err
			}
			st.vertexes = append(st.vertexes, v)
		case 3:
			var l pbLog
			if err := parseLog(f.bytes, &l); err != nil {
				return err
			}
			st.logs = append(st.logs, l)
		case 4:
			var w pbWarning
			if err := parseWarning(f.bytes, &w); err != nil {
				return err
			}
			st.warnings = append(st.warnings, w)
		}
	}
	return nil
}

func parseVertex(b []byte, v *pbVertex) error {
	for len(b) > 0 {
		f, rest, err := nextField(b)
		if err != nil {
			return err
		}
		b = rest
		switch {
		case f.num == 1 && f.typ == wireBytes:
			v.digest = f.bytes
		case f.num == 3 && f.typ == wireBytes:
			v.name = f.bytes
		case f.num == 4 && f.typ == wireVarint:
			v.cached = f.u != 0
		case f.num == 5 && f.typ == wireBytes:
			if v.started, err = parseTimestamp(f.bytes); err != nil {
				return err
			}
			v.hasStarted = true
		case f.num == 6 && f.typ == wireBytes:
			if v.completed, err = parseTimestamp(f.bytes); err != nil {
				return err
			}
			v.hasCompleted = true
		case f.num == 7 && f.typ == wireBytes:
			v.err = f.bytes
		}
	}
	return nil
}

func parseLog(b []byte, l *pbLog) error {
	for len(b) > 0 {
		f, rest, err := nextField(b)
		if err != nil {
			return err
		}
		b = rest
		switch {
		case f.num == 1 && f.typ == wireBytes:
			l.vertex = f.bytes
		case f.num == 4 && f.typ == wireBytes:
			l.msg = f.bytes
		}
	}
	return nil
}

func parseWarning(b []byte, w *pbWarning) error {
	for len(b) > 0 {
		f, rest, err := nextField(b)
		if err != nil {
			return err
		}
		b = rest
		switch {
		case f.num == 1 && f.typ == wireBytes:
			w.vertex = f.bytes
		case f.num == 3 && f.typ == wireBytes:
			w.short = f.bytes
		}
	}
	return nil
}

// parseTimestamp decodes google.protobuf.Timestamp{int64 seconds = 1; int32 nanos = 2}.
func parseTimestamp(b []byte) (time.Time, error) {
	var sec, nsec int64
	for len(b) > 0 {
		f, rest, err := nextField(b)
		if err != nil {
			return time.Time{}, err
		}
		b = rest
		if f.typ != wireVarint {
			continue
		}
		switch f.num {
		case 1:
			sec = int64(f.u)
		case 2:
			nsec = int64(int32(f.u))
		}
	}
	return time.Unix(sec, nsec), nil
}
