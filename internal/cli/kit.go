package cli

import (
	"context"
	"errors"
	"os"
	"strings"

	"github.com/charmbracelet/x/term"
	"github.com/spf13/cobra"

	"github.com/docktutor/docktutor/internal/engine"
	"github.com/docktutor/docktutor/internal/lesson"
)

// kitOptions are what every kit subcommand shares.
type kitOptions struct {
	*globalOptions
	// images lists the course's base images; tests replace it with images of their own, so
	// that they never pull, push or save the shared stand-ins under their public names.
	images func() ([]string, error)
	// tty says whether to draw live progress (a terminal) or print plain lines (CI, a pipe);
	// tests set it.
	tty func() bool
}

func newKitCmd(g *globalOptions) *cobra.Command {
	o := &kitOptions{globalOptions: g}
	o.images = func() ([]string, error) {
		c, err := g.loadCourse()
		if err != nil {
			return nil, err
		}
		return kitImages(c), nil
	}
	o.tty = func() bool {
		f, ok := g.streams.Out.(*os.File)
		return ok && term.IsTerminal(f.Fd())
	}
	return o.command()
}

// command builds the kit command tree on o.
func (o *kitOptions) command() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "kit",
		Short: "Get the lessons' base images onto this machine before a workshop",
		Long: `A workshop room that pulls 2 GB of base images over one Wi-Fi loses its first half hour,
and Docker Hub limits anonymous pulls per address. The kit gets every base image the lessons
name onto a machine beforehand:

  docktutor kit pull                 at home: pull them all from their registries
  docktutor kit pull --from HOST:PORT
                                     in the room: pull them from the instructor's registry
  docktutor kit save FILE            write them all to one bundle (for a USB stick)
  docktutor kit load FILE            load a bundle where no registry answers
  docktutor kit push --to HOST:PORT  fill a classroom registry for --from

The images are those the lessons' Dockerfiles start FROM or COPY --from (their :debug
variants included); --lessons DIR takes them from another lessons folder.`,
		Args: cobra.NoArgs,
	}
	cmd.AddCommand(newKitPullCmd(o), newKitPushCmd(o), newKitSaveCmd(o), newKitLoadCmd(o))
	return cmd
}

// kitImages lists every image the course needs, each once: the bases its Dockerfiles build
// FROM and COPY --from (baseImages), and the :debug variant of any of them that a lesson's
// prose names without building it, so that a learner can try it in the room.
func kitImages(c *lesson.Course) []string {
	images := baseImages(c)
	seen := map[string]bool{}
	for _, ref := range images {
		seen[ref] = true
	}
	var prose strings.Builder
	for _, l := range c.Lessons {
		prose.WriteString(l.Text)
		for _, s := range l.Strategies {
			prose.WriteString(s.Explain)
		}
	}
	text := prose.String()
	for _, ref := range images {
		repo := ref
		if i := strings.LastIndexByte(ref, ':'); i > strings.LastIndexByte(ref, '/') {
			repo = ref[:i]
		}
		if debug := repo + ":debug"; !seen[debug] && strings.Contains(text, debug) {
			seen[debug] = true
			images = append(images, debug)
		}
	}
	return images
}

// openKit connects to the daemon and gives its kit side.
func (o *kitOptions) openKit(ctx context.Context) (engine.Kit, func(), error) {
	eng, release, err := o.openEngine(ctx)
	if err != nil {
		return nil, nil, err
	}
	k, ok := eng.(engine.Kit)
	if !ok {
		release()
		return nil, nil, errors.New("this engine cannot pull, save or load images")
	}
	return k, release, nil
}
