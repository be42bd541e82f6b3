package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/docktutor/docktutor/internal/dockerfile"
	"github.com/docktutor/docktutor/internal/engine"
	"github.com/docktutor/docktutor/internal/human"
	"github.com/docktutor/docktutor/internal/lab"
)

// cleaner is what clean needs of an engine: the objects carrying docktutor's label, and
// removals that refuse anything without it (engine.Client implements it).
type cleaner interface {
	ListManaged(ctx context.Context) (engine.Managed, error)
	Remove(ctx context.Context, ref string) error
	RemoveContainer(ctx context.Context, id string) error
}

// spaceCounter tells how much space removing each image frees and what clean leaves alone. It
// is optional: without it clean still cleans, and says less.
type spaceCounter interface {
	ImageSpace(ctx context.Context) (map[string]int64, error)
	UntaggedUnmanaged(ctx context.Context) ([]string, error)
}

// ownRepositories are the image names docktutor gives its builds (lab.Tag) and its tests. A
// labelled image that also carries a tag outside them was adopted by its owner (docker tag
// docktutor/…  myapp): clean removes docktutor's tags and keeps the image.
var ownRepositories = []string{"docktutor/", "docktutor-test/"}

type cleanOptions struct {
	*globalOptions
	dryRun    bool
	json      bool
	namespace string // only this learner's objects (docktutor/<namespace>/...)
	allUsers  bool   // other learners' objects too (their io.docktutor.owner is not ours)
}

func newCleanCmd(g *globalOptions) *cobra.Command {
	o := &cleanOptions{globalOptions: g}
	cmd := &cobra.Command{
		Use:   "clean [--dry-run]",
		Short: "Remove the images and containers docktutor made, and nothing else",
		Long: `Remove the containers docktutor created and the images it built (they carry its label,
io.docktutor.managed=true), list them and the space freed. Nothing else is touched: not
your images, not your containers, not the base images the lessons pulled. An image of
docktutor's that you tagged yourself (docker tag docktutor/... myapp) loses only
docktutor's tags and stays; one that a container of yours uses (docker run
docktutor/...) stays as it is, and so does the container.

The legacy builder also leaves the stages of a multi-stage build as untagged images
without the label. docktutor records the ones its builds made, and clean removes them too,
unless a container or another image still uses them. Other untagged images (other builds'
stages) and the build cache it counts but leaves to you: 'docker image prune' and
'docker builder prune' remove them.

On a shared daemon (a workshop server), clean leaves other learners' images and containers
alone: those whose io.docktutor.owner label names another user. --all-users removes
them too (an instructor's clean-up after the workshop). --namespace (default:
$DOCKTUTOR_NAMESPACE) limits clean further to the images docktutor/<namespace>/... and the
containers made from them.

Exits 1 if something could not be removed.`,
		Example: `  docktutor clean --dry-run
  docktutor clean
  docktutor clean --json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return o.run(cmd.Context())
		},
	}
	f := cmd.Flags()
	f.BoolVarP(&o.dryRun, "dry-run", "n", false, "only list what would be removed")
	f.BoolVar(&o.json, "json", false, "print JSON instead of a list")
	f.StringVar(&o.namespace, "namespace", os.Getenv(envNamespace), "only the images of this learner `namespace` (docktutor/<namespace>/...)")
	f.BoolVar(&o.allUsers, "all-users", false, "also remove other learners' images and containers on a shared daemon")
	return cmd
}

// cleanReport is the JSON shape of `docktutor clean --json`.
type cleanReport struct {
	DryRun     bool               `json:"dry_run"`
	Containers []cleanedContainer `json:"containers"`
	Images     []cleanedImage     `json:"images"`
	// FreedBytes is at least what removing the images freed (or would free): each image's own
	// layers; layers shared only among docktutor's images are not counted.
	FreedBytes int64 `json:"freed_bytes"`
	// StageImages are the untagged stage images docktutor's legacy builds left (recorded by
	// the builds in the results cache): removed, or to be removed, with their own space counted
	// in FreedBytes.
	StageImages []cleanedImage `json:"stage_images"`
	// UntaggedImages and UntaggedBytes count the other untagged images without docktutor's
	// label, left alone, and the space their own layers take.
	UntaggedImages int   `json:"untagged_images"`
	UntaggedBytes  int64 `json:"untagged_bytes"`
	// OtherLearners counts the images and containers of docktutor's that another learner on
	// this daemon made (their io.docktutor.owner is not ours), left alone without --all-users.
	OtherLearners int `json:"other_learners"`
	// podman: the daemon is Podman, so the commands suggested are podman's, and there is no
	// BuildKit cache to mention.
	podman bool
}

type cleanedContainer struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	Image   string `json:"image"`
	State   string `json:"state"`
	Removed bool   `json:"removed"`
	Error   string `json:"error,omitempty"`
}

type cleanedImage struct {
	ID         string   `json:"id"`
	Tags       []string `json:"tags"`
	SizeBytes  int64    `json:"size_bytes"`
	FreedBytes int64    `json:"freed_bytes"`
	Removed    bool     `json:"removed"`
	// Kept says why the image stays: the learner's own tags on it (docktutor's went, or would
	// go), or the learner's containers using it (then nothing of it is touched, not even a tag).
	Kept string `json:"kept,omitempty"`
	// InUseBy names the learner's own containers that use the image: started from it with
	// docker run, not by docktutor.
	InUseBy []string `json:"in_use_by,omitempty"`
	Error   string   `json:"error,omitempty"`
}

func (o *cleanOptions) run(ctx context.Context) error {
	eng, closeEngine, err := o.openEngine(ctx)
	if err != nil {
		return err
	}
	defer closeEngine()
	cl, ok := eng.(cleaner)
	if !ok {
		return fmt.Errorf("this engine (%T) cannot list or remove docktutor's objects", eng)
	}
	m, err := cl.ListManaged(ctx)
	if err != nil {
		return fmt.Errorf("clean: %w", err)
	}
	m, inUse := splitLearners(m)
	others := 0
	if !o.allUsers {
		m, others = ownedBy(m)
	}
	if o.namespace != "" {
		m = inNamespace(m, o.namespace)
	}
	// The stage images docktutor's builds recorded: those still untagged are listed.
	results := o.openResults()
	var recorded []string
	if results != nil {
		recorded = results.StageImages()
	}
	stages := recorded
	space := map[string]int64{}
	rep := cleanReport{DryRun: o.dryRun, Containers: []cleanedContainer{}, Images: []cleanedImage{}, StageImages: []cleanedImage{}, OtherLearners: others}
	if info, err := eng.Info(ctx); err == nil {
		rep.podman = info.Podman
	}
	if sc, ok := eng.(spaceCounter); ok {
		if s, err := sc.ImageSpace(ctx); err == nil {
			space = s
		}
		// Counted before removing: the images the removals untag are not the learner's.
		ids, _ := sc.UntaggedUnmanaged(ctx)
		var rest []string
		stages, rest = splitUntagged(ids, recorded)
		rep.UntaggedImages = len(rest)
		for _, id := range rest {
			rep.UntaggedBytes += space[id]
		}
	}

	// Containers first: a container holds its image. Only docktutor's own are left in m.
	failed := 0
	for _, c := range m.Containers {
		cc := cleanedContainer{ID: c.ID, Name: c.Name, Image: c.Image, State: c.State}
		if !o.dryRun {
			if err := cl.RemoveContainer(ctx, c.ID); err != nil {
				cc.Error = err.Error()
				failed++
			} else {
				cc.Removed = true
			}
		}
		rep.Containers = append(rep.Containers, cc)
	}

	// Images: a removal that fails because another of docktutor's images is built on this one
	// succeeds once that one is gone, hence a second pass.
	images := make([]cleanedImage, len(m.Images))
	for i, im := range m.Images {
		images[i] = cleanedImage{ID: im.ID, Tags: append([]string{}, im.Tags...), SizeBytes: im.Size, InUseBy: inUse[im.ID]}
	}
	for pass := 0; pass < 2 && !o.dryRun; pass++ {
		for i := range images {
			if pass == 1 && images[i].Error == "" || len(images[i].InUseBy) > 0 {
				continue
			}
			images[i].Error = ""
			o.removeImage(ctx, cl, &images[i])
		}
	}
	for i := range images {
		im := &images[i]
		own, foreign := splitTags(im.Tags)
		switch {
		case len(im.InUseBy) > 0:
			im.Kept = inUseReason(im.InUseBy, rep.cli())
		case len(foreign) > 0:
			im.Kept = "also tagged " + strings.Join(foreign, ", ") + " (not docktutor's): the image stays, only " + orNone(own) + " is untagged"
		}
		gone := im.Removed || (o.dryRun && len(foreign) == 0 && len(im.InUseBy) == 0)
		if gone {
			im.FreedBytes = space[im.ID]
			rep.FreedBytes += im.FreedBytes
		}
		if im.Error != "" {
			failed++
		}
	}
	rep.Images = images

	// Stage images last: the images built on them, docktutor's, are gone by now.
	if sc, ok := eng.(stageCleaner); ok && len(recorded) > 0 {
		var forget []string
		var n int
		rep.StageImages, forget, n = o.removeStages(ctx, sc, stages, recorded, space)
		failed += n
		for _, im := range rep.StageImages {
			rep.FreedBytes += im.FreedBytes
		}
		if len(forget) > 0 {
			results.ForgetStageImages(forget...)
			if err := results.Save(); err != nil {
				fmt.Fprintf(o.streams.Err, "docktutor: warning: %v\n", err)
			}
		}
	}

	if o.json {
		if err := writeJSON(o.streams.Out, rep); err != nil {
			return err
		}
	} else {
		printClean(o.streams.Out, rep)
	}
	if failed > 0 {
		return exitf(1, "%d of docktutor's objects could not be removed (see above)", failed)
	}
	return nil
}

// removeImage removes docktutor's tags of an image — the image goes with its last tag — or the
// image itself when it has no tag. Tags that are not docktutor's stay, and with them the image.
func (o *cleanOptions) removeImage(ctx context.Context, cl cleaner, im *cleanedImage) {
	own, foreign := splitTags(im.Tags)
	refs := own
	if len(im.Tags) == 0 {
		refs = []string{im.ID}
	}
	for _, ref := range refs {
		if err := cl.Remove(ctx, ref); err != nil && !isNoSuchImage(err) {
			im.Error = err.Error()
			return
		}
	}
	im.Removed = len(foreign) == 0
}

// splitLearners keeps in m.Containers the containers docktutor created, and maps the image ID of
// every other container to the names of the containers using it: the learner's own, started
// from docktutor's images (they carry the label only because their image does). Those
// containers, and their images, stay.
func splitLearners(m engine.Managed) (engine.Managed, map[string][]string) {
	inUse := map[string][]string{}
	ours := m.Containers[:0:0]
	for _, c := range m.Containers {
		if c.MadeByDocktutor() {
			ours = append(ours, c)
			continue
		}
		name := c.Name
		if name == "" {
			name = engine.ShortID(c.ID)
		}
		inUse[c.ImageID] = append(inUse[c.ImageID], name)
	}
	m.Containers = ours
	return m, inUse
}

// cli is the command a learner types to reach this daemon.
func (rep cleanReport) cli() string {
	if rep.podman {
		return "podman"
	}
	return "docker"
}

// inUseReason says why an image stays, and the way out (cli rm -f).
func inUseReason(containers []string, cli string) string {
	word := "container"
	if len(containers) > 1 {
		word = "containers"
	}
	return fmt.Sprintf("in use by your %s %s — left; `%s rm -f %s` to remove", word, strings.Join(containers, ", "), cli, strings.Join(containers, " "))
}

// isNoSuchImage recognises an image already gone (a second tag of an image removed with its
// first, or a removal that raced with another clean).
func isNoSuchImage(err error) bool {
	return err != nil && strings.Contains(strings.ToLower(err.Error()), "no such image")
}

// splitTags separates docktutor's own tags from the learner's.
func splitTags(tags []string) (own, foreign []string) {
	for _, t := range tags {
		if slices.ContainsFunc(ownRepositories, func(p string) bool { return strings.HasPrefix(t, p) }) {
			own = append(own, t)
		} else {
			foreign = append(foreign, t)
		}
	}
	return own, foreign
}

func orNone(tags []string) string {
	if len(tags) == 0 {
		return "no tag"
	}
	return strings.Join(tags, ", ")
}

// printClean writes what clean removed (or would remove), what it only untagged, what it could
// not remove, the space freed and what it left alone.
func printClean(w io.Writer, rep cleanReport) {
	verb, did, untag := "Removed", "Freed", "Untagged but kept"
	if rep.DryRun {
		verb, did, untag = "Would remove", "Would free", "Would untag but keep"
	}
	p := dockerfile.Printable
	switch {
	case len(rep.Containers) > 0 || len(rep.Images) > 0 || len(rep.StageImages) > 0:
	case rep.OtherLearners > 0:
		fmt.Fprintln(w, "Nothing of yours to remove.")
	default:
		fmt.Fprintln(w, "Nothing of docktutor's to remove: no container or image carries "+engine.LabelManaged+"=true.")
	}
	var gone, kept, inUse, failed []cleanedImage
	for _, im := range rep.Images {
		switch {
		case im.Error != "":
			failed = append(failed, im)
		case len(im.InUseBy) > 0:
			inUse = append(inUse, im)
		case im.Kept != "":
			kept = append(kept, im)
		default:
			gone = append(gone, im)
		}
	}
	var ctrsGone, ctrsFailed []cleanedContainer
	for _, c := range rep.Containers {
		if c.Error != "" {
			ctrsFailed = append(ctrsFailed, c)
		} else {
			ctrsGone = append(ctrsGone, c)
		}
	}
	imageLine := func(im cleanedImage) string {
		name := strings.Join(im.Tags, ", ")
		if name == "" {
			name = "<untagged> " + engine.ShortID(im.ID)
		}
		return fmt.Sprintf("  %-44s  %9s", p(name), human.Size(im.SizeBytes))
	}
	nameW := 0 // docktutor's own names are 46 characters: the column fits the longest
	for _, c := range rep.Containers {
		nameW = max(nameW, len(p(c.Name)))
	}
	ctrLine := func(c cleanedContainer) string {
		return fmt.Sprintf("  %-12.12s  %-*s  %-8s  %s", c.ID, nameW, p(c.Name), p(c.State), p(c.Image))
	}
	if len(ctrsGone) > 0 {
		fmt.Fprintf(w, "%s %s:\n", verb, human.Plural(len(ctrsGone), "container", "containers"))
		for _, c := range ctrsGone {
			fmt.Fprintln(w, ctrLine(c))
		}
	}
	if len(gone) > 0 {
		fmt.Fprintf(w, "%s %s:\n", verb, human.Plural(len(gone), "image", "images"))
		for _, im := range gone {
			fmt.Fprintln(w, imageLine(im))
		}
	}
	if len(kept) > 0 {
		fmt.Fprintf(w, "%s (also tagged by you, not by docktutor):\n", untag)
		for _, im := range kept {
			fmt.Fprintln(w, imageLine(im))
		}
	}
	if len(inUse) > 0 {
		fmt.Fprintln(w, "Left in place (your own containers use them):")
		for _, im := range inUse {
			fmt.Fprintln(w, imageLine(im)+"  "+p(im.Kept))
		}
	}
	printStages(w, rep, verb, imageLine)
	for _, im := range rep.StageImages {
		if im.Error != "" {
			failed = append(failed, im)
		}
	}
	if len(ctrsFailed)+len(failed) > 0 {
		fmt.Fprintln(w, "Could not remove:")
		for _, c := range ctrsFailed {
			fmt.Fprintln(w, ctrLine(c)+"  "+p(c.Error))
		}
		for _, im := range failed {
			fmt.Fprintln(w, imageLine(im)+"  "+p(im.Error))
		}
	}
	switch {
	case len(rep.Images)+len(rep.StageImages) == 0:
	case rep.FreedBytes > 0:
		fmt.Fprintf(w, "%s at least %s (layers shared with images that stay are not counted).\n", did, human.Size(rep.FreedBytes))
	case rep.podman: // Podman does not report an image's own space
		fmt.Fprintln(w, "The daemon does not say how much of that space was the images' own.")
	default: // every layer is shared: another learner's images of the same lesson, say
		fmt.Fprintln(w, "Every layer of theirs is shared with another image, so no space is counted as theirs alone.")
	}
	if rep.UntaggedImages > 0 {
		own := "" // Podman does not say how much of an image is its own
		if rep.UntaggedBytes > 0 {
			own = " (" + human.Size(rep.UntaggedBytes) + " of their own)"
		}
		prune := "If you want them gone: docker image prune. BuildKit's cache: docker builder prune."
		if rep.podman {
			prune = "If you want them gone: podman image prune."
		}
		fmt.Fprintf(w, "\nLeft alone: %s without docktutor's label%s: other builds' stages and\nleftovers. %s\n",
			human.Plural(rep.UntaggedImages, "untagged image", "untagged images"), own, prune)
	}
	if rep.OtherLearners > 0 {
		fmt.Fprintf(w, "\nLeft alone: %s of other learners on this daemon (docktutor clean --all-users removes them too).\n",
			human.Plural(rep.OtherLearners, "image or container", "images and containers"))
	}
	if rep.DryRun {
		fmt.Fprintln(w, "\nNothing was removed (--dry-run).")
	}
}

// ownedBy keeps this learner's objects (lab.IsMine: the same user, or no owner label, as an
// older docktutor made them), and counts the ones it left out.
func ownedBy(m engine.Managed) (engine.Managed, int) {
	return m.Keep(func(labels map[string]string) bool { return lab.IsMine(labels[engine.LabelOwner]) })
}

// inNamespace keeps the objects of one learner: images tagged docktutor/<ns>/..., and the
// containers made from them. Untagged images cannot be told apart, so they stay.
func inNamespace(m engine.Managed, ns string) engine.Managed {
	prefix := "docktutor/" + ns + "/"
	var out engine.Managed
	ids := map[string]bool{}
	for _, im := range m.Images {
		if slices.ContainsFunc(im.Tags, func(t string) bool { return strings.HasPrefix(t, prefix) }) {
			out.Images = append(out.Images, im)
			ids[im.ID] = true
		}
	}
	for _, c := range m.Containers {
		if strings.HasPrefix(c.Image, prefix) || ids[c.Image] {
			out.Containers = append(out.Containers, c)
		}
	}
	return out
}
