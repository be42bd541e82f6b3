package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/docktutor/docktutor/internal/engine"
	"github.com/docktutor/docktutor/internal/human"
)

type kitPullOptions struct {
	*kitOptions
	from string // --from: a classroom registry, host:port
}

func newKitPullCmd(k *kitOptions) *cobra.Command {
	o := &kitPullOptions{kitOptions: k}
	cmd := &cobra.Command{
		Use:   "pull",
		Short: "Pull every base image the lessons name",
		Long: `Pull every base image the lessons build FROM (their :debug variants included), showing
each layer as it downloads and a total.

--from HOST:PORT pulls the same images from a classroom registry instead, and names them as
the lessons do. The name in the registry is the image's own without its registry, and
without Docker Hub's "library/":

  alpine:3.22                              <- HOST:PORT/alpine:3.22
  gcr.io/distroless/static-debian13:debug  <- HOST:PORT/distroless/static-debian13:debug

'docktutor kit push --to HOST:PORT' fills a registry that way. A registry on a private
network address speaks plain HTTP: each learner's Docker must list it under
"insecure-registries" in /etc/docker/daemon.json (127.0.0.0/8 is allowed already).

Exits 1 when an image could not be pulled, saying which registry failed.`,
		Example: `  docktutor kit pull
  docktutor kit pull --from 192.168.1.10:5000`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return o.run(cmd.Context())
		},
	}
	cmd.Flags().StringVar(&o.from, "from", "", "pull from the classroom registry at `HOST:PORT`")
	return cmd
}

// kitJob is one image of a pull or push: the name the lessons use, and the name the daemon is
// asked to move (the same, or its name in a classroom registry).
type kitJob struct {
	Ref, Remote string
}

// kitJobs pairs each image with its name in the registry at host ("" for the images' own).
func kitJobs(images []string, host string) ([]kitJob, error) {
	jobs := make([]kitJob, 0, len(images))
	for _, ref := range images {
		remote := ref
		if host != "" {
			m, err := engine.MirrorRef(host, ref)
			if err != nil {
				return nil, &ExitError{Code: 2, Err: err}
			}
			remote = m
		}
		jobs = append(jobs, kitJob{Ref: ref, Remote: remote})
	}
	return jobs, nil
}

func (o *kitPullOptions) run(ctx context.Context) error {
	images, err := o.images()
	if err != nil {
		return err
	}
	jobs, err := kitJobs(images, o.from)
	if err != nil {
		return err
	}
	k, release, err := o.openKit(ctx)
	if err != nil {
		return err
	}
	defer release()
	title := "docktutor kit pull: " + human.Plural(len(jobs), "image", "")
	if o.from != "" {
		title += " from " + o.from
	}
	failures, err := o.runJobs(ctx, title, jobs, func(ctx context.Context, j kitJob, emit func(engine.LayerEvent)) error {
		return pullOne(ctx, k, j, emit)
	})
	if err != nil {
		return err
	}
	failures, kept, err := keepPresent(ctx, k, failures)
	if err != nil {
		return err
	}
	if len(kept) > 0 {
		fmt.Fprintf(o.streams.Out, "Kept the copies already here of %s that could not be pulled again: %s\n",
			human.Plural(len(kept), "image", ""), strings.Join(kept, ", "))
	}
	return kitSummary(o.streams.Out, "pulled", len(jobs)-len(kept), failures, pullAdvice(o.from))
}

// keepPresent sets apart the failed images that are on the daemon already (pulled before, or
// loaded from a bundle): a learner who has them is ready, whatever the registry says today.
func keepPresent(ctx context.Context, k engine.Kit, failures []kitFailure) (missing []kitFailure, kept []string, err error) {
	for _, f := range failures {
		st, err := k.ImageStatus(ctx, f.job.Ref)
		if err != nil {
			return nil, nil, fmt.Errorf("inspect %s: %w", f.job.Ref, err)
		}
		if st.Present {
			kept = append(kept, f.job.Ref)
		} else {
			missing = append(missing, f)
		}
	}
	return missing, kept, nil
}

// pullOne pulls one image and, from a classroom registry, names it as the lessons do and drops
// the registry's name, so that the learner's image list reads like the lessons.
func pullOne(ctx context.Context, k engine.Kit, j kitJob, emit func(engine.LayerEvent)) error {
	if err := k.Pull(ctx, j.Remote, emit); err != nil {
		return err
	}
	if j.Remote == j.Ref {
		return nil
	}
	if err := k.Tag(ctx, j.Remote, j.Ref); err != nil {
		return fmt.Errorf("tag %s as %s: %w", j.Remote, j.Ref, err)
	}
	return k.Untag(ctx, j.Remote)
}

// kitFailure is an image that could not be moved, and why.
type kitFailure struct {
	job kitJob
	err error
}

// runJobs moves each image with move, drawing progress live on a terminal and as plain lines
// elsewhere, and returns the images that failed. Once a registry does not answer, the images
// it holds are not tried (they would fail the same way, each after a timeout); a daemon that
// went away stops everything, and is the error returned.
func (o *kitOptions) runJobs(ctx context.Context, title string, jobs []kitJob, move func(context.Context, kitJob, func(engine.LayerEvent)) error) ([]kitFailure, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	rep := o.reporter(ctx, cancel, title, jobs)
	var failures []kitFailure
	dead := map[string]*engine.RegistryError{}
	var fatal error
	succeeded := 0
	for i, j := range jobs {
		if ctx.Err() != nil {
			fatal = ctx.Err()
			break
		}
		if re := dead[engine.RegistryOf(j.Remote)]; re != nil {
			rep.done(i, fmt.Errorf("not tried: %s does not answer", re.Registry))
			failures = append(failures, kitFailure{j, re})
			continue
		}
		rep.start(i)
		err := move(ctx, j, func(ev engine.LayerEvent) { rep.layer(i, ev) })
		rep.done(i, err)
		if err == nil {
			succeeded++
			continue
		}
		failures = append(failures, kitFailure{j, err})
		var re *engine.RegistryError
		var de *engine.DaemonError
		switch {
		case errors.As(err, &re) && re.Unreachable:
			dead[re.Registry] = re
		case errors.As(err, &de), errors.Is(err, context.Canceled):
			fatal = err
		}
		if fatal != nil {
			break
		}
	}
	rep.finish()
	if fatal != nil {
		return failures, interrupted(fatal, fmt.Sprintf("%d of %s done", succeeded, human.Plural(len(jobs), "image", "")))
	}
	return failures, nil
}

// interrupted turns a cancel (^C, q) into a short message and the shell's exit code for it;
// other errors pass unchanged.
func interrupted(err error, what string) error {
	if errors.Is(err, context.Canceled) {
		return &ExitError{Code: 130, Err: errors.New("interrupted: " + what)}
	}
	return err
}

// kitSummary ends a pull or push: how many images made it and, for the rest, why: the images
// of each registry that did not answer together under its reason, then each other failure. It
// returns the exit error when any failed.
func kitSummary(w io.Writer, verb string, total int, failures []kitFailure, advice func(unreachable []string) string) error {
	if len(failures) == 0 {
		fmt.Fprintf(w, "%s %s.\n", capitalize(verb), human.Plural(total, "image", ""))
		return nil
	}
	fmt.Fprintf(w, "%s %d of %s.\n", capitalize(verb), total-len(failures), human.Plural(total, "image", ""))
	var unreachable []string
	byRegistry := map[string][]string{}
	reason := map[string]*engine.RegistryError{}
	var others []kitFailure
	for _, f := range failures {
		var re *engine.RegistryError
		if !errors.As(f.err, &re) || !re.Unreachable {
			others = append(others, f)
			continue
		}
		if reason[re.Registry] == nil {
			reason[re.Registry] = re
			unreachable = append(unreachable, re.Registry)
		}
		byRegistry[re.Registry] = append(byRegistry[re.Registry], f.job.Ref)
	}
	for _, reg := range unreachable {
		fmt.Fprintf(w, "%s: %s\n  %s\n", ErrorText(reason[reg]), human.Plural(len(byRegistry[reg]), "image", ""),
			strings.Join(byRegistry[reg], ", "))
	}
	for _, f := range others {
		fmt.Fprintf(w, "%s: %s\n", f.job.Ref, ErrorText(f.err))
	}
	msg := fmt.Sprintf("%s of %d could not be %s", human.Plural(len(failures), "image", ""), total, verb)
	if a := advice(unreachable); a != "" {
		msg += ": " + a
	}
	return &ExitError{Code: 1, Err: errors.New(msg)}
}

// pullAdvice says what to do when registries did not answer a pull.
func pullAdvice(from string) func([]string) string {
	return func(unreachable []string) string {
		if len(unreachable) == 0 {
			return ""
		}
		regs := strings.Join(unreachable, ", ")
		if from != "" {
			return "the classroom registry " + regs + " does not answer (is it running, and is the address right?); " +
				"or load a bundle instead: docktutor kit load FILE"
		}
		return "no answer from " + regs + " (no network, or a firewall); pull where they answer, or load a bundle " +
			"made with 'docktutor kit save' on a machine that has the images: docktutor kit load FILE"
	}
}

// capitalize upper-cases a verb's first letter for the start of a sentence.
func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
