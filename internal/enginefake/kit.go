package enginefake

import (
	"bufio"
	"compress/gzip"
	"context"
	"errors"
	"io"
	"strings"

	"github.com/docktutor/docktutor/internal/engine"
)

var _ engine.Kit = (*Engine)(nil)

// fakeLayerSize is the size of each of the two layers a fake pull moves.
const fakeLayerSize = 1000

// ImageStatus implements engine.Kit from Local.
func (e *Engine) ImageStatus(_ context.Context, ref string) (engine.ImageStatus, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	st, ok := e.Local[ref]
	if !ok {
		return engine.ImageStatus{Ref: ref}, nil
	}
	st.Ref, st.Present = ref, true
	return st, nil
}

// Pull implements engine.Kit: a name in Remote arrives as two layers, in the messages a real
// pull sends; a registry in Unreachable does not answer; other names are not found.
func (e *Engine) Pull(ctx context.Context, ref string, emit func(engine.LayerEvent)) error {
	reg := engine.RegistryOf(ref)
	if e.Unreachable[reg] {
		return &engine.RegistryError{Registry: reg, Ref: ref, Unreachable: true, Msg: "dial tcp: lookup " + reg + ": no such host"}
	}
	if !e.Remote[ref] {
		return &engine.RegistryError{Registry: reg, Ref: ref, Msg: "manifest for " + ref + " not found: manifest unknown"}
	}
	emit(engine.LayerEvent{Ref: ref, Status: "Pulling from " + ref})
	for _, layer := range []string{"aaaaaaaaaaaa", "bbbbbbbbbbbb"} {
		emit(engine.LayerEvent{Ref: ref, Layer: layer, Status: "Pulling fs layer", Phase: engine.LayerWaiting})
		emit(engine.LayerEvent{Ref: ref, Layer: layer, Status: "Downloading", Phase: engine.LayerTransferring, Current: fakeLayerSize / 2, Total: fakeLayerSize})
		emit(engine.LayerEvent{Ref: ref, Layer: layer, Status: "Downloading", Phase: engine.LayerTransferring, Current: fakeLayerSize, Total: fakeLayerSize})
		emit(engine.LayerEvent{Ref: ref, Layer: layer, Status: "Download complete", Phase: engine.LayerTransferred})
		emit(engine.LayerEvent{Ref: ref, Layer: layer, Status: "Pull complete", Phase: engine.LayerDone})
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.Local == nil {
		e.Local = map[string]engine.ImageStatus{}
	}
	e.Local[ref] = engine.ImageStatus{Ref: ref, Present: true, Size: 2 * fakeLayerSize}
	return ctx.Err()
}

// Push implements engine.Kit: the name becomes one Remote serves.
func (e *Engine) Push(_ context.Context, ref string, emit func(engine.LayerEvent)) error {
	if reg := engine.RegistryOf(ref); e.Unreachable[reg] {
		return &engine.RegistryError{Registry: reg, Ref: ref, Unreachable: true, Msg: "connection refused"}
	}
	emit(engine.LayerEvent{Ref: ref, Layer: "aaaaaaaaaaaa", Status: "Pushed", Phase: engine.LayerDone})
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.Remote == nil {
		e.Remote = map[string]bool{}
	}
	e.Remote[ref] = true
	return nil
}

// Tag implements engine.Kit.
func (e *Engine) Tag(_ context.Context, source, target string) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	st, ok := e.Local[source]
	if !ok {
		return errors.New("No such image: " + source)
	}
	e.Local[target] = st
	return nil
}

// Untag implements engine.Kit.
func (e *Engine) Untag(_ context.Context, ref string) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	delete(e.Local, ref)
	return nil
}

// SaveSize implements engine.Kit: the sizes of the images, added up.
func (e *Engine) SaveSize(_ context.Context, refs []string) (int64, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	var n int64
	for _, r := range refs {
		n += e.Local[r].Size
	}
	return n, nil
}

// Save implements engine.Kit. The fake's bundle is a line per image, "fake-image <ref>
// <standin>", padded to the images' size, which is all Load needs to restore them.
func (e *Engine) Save(_ context.Context, refs []string) (io.ReadCloser, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	var b strings.Builder
	for _, r := range refs {
		st, ok := e.Local[r]
		if !ok {
			return nil, errors.New("reference does not exist: " + r)
		}
		standin := "real"
		if st.StandIn {
			standin = "standin"
		}
		b.WriteString("fake-image " + r + " " + standin + " " + strings.Repeat("x", int(st.Size)) + "\n")
	}
	return io.NopCloser(strings.NewReader(b.String())), nil
}

// Load implements engine.Kit: it reads what Save wrote, gzip-compressed or not, as the daemon
// takes both.
func (e *Engine) Load(_ context.Context, bundle io.Reader) ([]string, error) {
	var loaded []string
	br := bufio.NewReader(bundle)
	var r io.Reader = br
	if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, err
		}
		r = zr
	}
	sc := bufio.NewScanner(r)
	sc.Buffer(nil, 1<<24)
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.Local == nil {
		e.Local = map[string]engine.ImageStatus{}
	}
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 3 || f[0] != "fake-image" {
			return loaded, errors.New("the daemon refused the bundle: unexpected EOF")
		}
		size := int64(0)
		if len(f) > 3 {
			size = int64(len(f[3]))
		}
		e.Local[f[1]] = engine.ImageStatus{Ref: f[1], Present: true, Size: size, StandIn: f[2] == "standin"}
		loaded = append(loaded, f[1])
	}
	return loaded, sc.Err()
}
