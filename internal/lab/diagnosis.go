package lab

import (
	"context"
	"fmt"
	"time"

	"github.com/docktutor/docktutor/internal/diagnose"
	"github.com/docktutor/docktutor/internal/engine"
)

// probeTimeout bounds the look inside an image that explains a failed start: a created
// container and a few archive reads.
const probeTimeout = 30 * time.Second

// Explain looks inside image ref for why its program could not start, when output (what the
// container printed, or the daemon's reason it could not start) says "no such file or
// directory": diagnose.Exec. binary is the program the image or the check names. A failure
// to look is said in the finding rather than failing the run: the run's own result stands.
func Explain(ctx context.Context, eng engine.Engine, ref, output, binary string) *diagnose.Finding {
	if !diagnose.Applies(output) {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, probeTimeout)
	defer cancel()
	p, err := eng.Probe(ctx, ref)
	if err != nil {
		return &diagnose.Finding{Binary: binary, Message: fmt.Sprintf("could not look inside the image to say why: %v", err)}
	}
	defer p.Close()
	f, err := diagnose.Exec(ctx, output, p, binary)
	if err != nil {
		return &diagnose.Finding{Binary: binary, Message: fmt.Sprintf("could not look inside the image to say why: %v", err)}
	}
	return f
}

// Program is the executable a container of the image starts: the first word of the
// entrypoint when there is one (a check's own, else the image's), else of the command (the
// arguments given, else the image's CMD).
func Program(info engine.ImageInfo, entrypoint, args []string) string {
	switch {
	case len(entrypoint) > 0:
		return entrypoint[0]
	case len(info.Entrypoint) > 0:
		return info.Entrypoint[0]
	case len(args) > 0:
		return args[0]
	case len(info.Cmd) > 0:
		return info.Cmd[0]
	}
	return ""
}

// withFinding adds what the finding says to a failure's message.
func withFinding(msg string, f *diagnose.Finding) string {
	if f == nil {
		return msg
	}
	return msg + " — " + f.Message
}
