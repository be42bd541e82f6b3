package cli

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/docktutor/docktutor/internal/engine"
	"github.com/docktutor/docktutor/internal/human"
)

type kitPushOptions struct {
	*kitOptions
	to string // --to: the classroom registry, host:port
}

func newKitPushCmd(k *kitOptions) *cobra.Command {
	o := &kitPushOptions{kitOptions: k}
	cmd := &cobra.Command{
		Use:   "push --to HOST:PORT",
		Short: "Fill a classroom registry with the lessons' base images, for kit pull --from",
		Long: `Push every base image the lessons name, from this machine's daemon, to a registry, under
the names 'docktutor kit pull --from' asks for: the image's own name without its registry
and without Docker Hub's "library/" (alpine:3.22 -> HOST:PORT/alpine:3.22,
gcr.io/distroless/static-debian13 -> HOST:PORT/distroless/static-debian13). The registry
names exist on this daemon only while each push runs.

A registry for a room, on the instructor's machine:

  docker run -d -p 5000:5000 --name classroom-registry registry:3
  docktutor kit push --to localhost:5000

Learners then run 'docktutor kit pull --from <instructor's address>:5000'. The same by
hand, for one image: docker tag gcr.io/distroless/static-debian13 localhost:5000/distroless/static-debian13
&& docker push localhost:5000/distroless/static-debian13.`,
		Example: `  docktutor kit push --to localhost:5000`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return o.run(cmd.Context())
		},
	}
	cmd.Flags().StringVar(&o.to, "to", "", "push to the registry at `HOST:PORT` (required)")
	_ = cmd.MarkFlagRequired("to")
	return cmd
}

func (o *kitPushOptions) run(ctx context.Context) error {
	images, err := o.images()
	if err != nil {
		return err
	}
	jobs, err := kitJobs(images, o.to)
	if err != nil {
		return err
	}
	k, release, err := o.openKit(ctx)
	if err != nil {
		return err
	}
	defer release()
	if missing, err := missingImages(ctx, k, images); err != nil {
		return err
	} else if len(missing) > 0 {
		return exitf(1, "%s not on this daemon, so not pushed: %s; get them first (docktutor kit pull, or docktutor kit load FILE)",
			human.Plural(len(missing), "image", ""), strings.Join(missing, ", "))
	}
	title := "docktutor kit push: " + human.Plural(len(jobs), "image", "") + " to " + o.to
	failures, err := o.runJobs(ctx, title, jobs, func(ctx context.Context, j kitJob, emit func(engine.LayerEvent)) error {
		if err := k.Tag(ctx, j.Ref, j.Remote); err != nil {
			return fmt.Errorf("tag %s as %s: %w", j.Ref, j.Remote, err)
		}
		err := k.Push(ctx, j.Remote, emit)
		// The registry's name was only the push's address; the learner's images keep theirs.
		if uerr := k.Untag(context.WithoutCancel(ctx), j.Remote); err == nil {
			err = uerr
		}
		return err
	})
	if err != nil {
		return err
	}
	return kitSummary(o.streams.Out, "pushed", len(jobs), failures, func(unreachable []string) string {
		if len(unreachable) == 0 {
			return ""
		}
		return "the registry " + strings.Join(unreachable, ", ") + " does not answer: is it running (docker run -d -p 5000:5000 registry:3)?"
	})
}

// missingImages lists the images of refs that are not on the daemon.
func missingImages(ctx context.Context, k engine.Kit, refs []string) ([]string, error) {
	var missing []string
	for _, ref := range refs {
		st, err := k.ImageStatus(ctx, ref)
		if err != nil {
			return nil, fmt.Errorf("inspect %s: %w", ref, err)
		}
		if !st.Present {
			missing = append(missing, ref)
		}
	}
	return missing, nil
}
