package cli

import (
	"bufio"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/docktutor/docktutor/internal/dockerfile"
	"github.com/docktutor/docktutor/internal/engine"
	"github.com/docktutor/docktutor/internal/human"
)

// A bundle is `docker save` of every image, gzip-compressed (Docker 20.10 refuses a
// zstd-compressed load; every daemon loads gzip), with FILE.sha256 beside it in sha256sum's
// format, so that `sha256sum -c FILE.sha256` checks it too.

type kitSaveOptions struct {
	*kitOptions
	partial bool
}

func newKitSaveCmd(k *kitOptions) *cobra.Command {
	o := &kitSaveOptions{kitOptions: k}
	cmd := &cobra.Command{
		Use:   "save FILE",
		Short: "Write every base image the lessons name to one bundle, for kit load",
		Long: `Write every base image the lessons name, from this machine's daemon, to one gzip-compressed
bundle (layers the images share are stored once), and FILE.sha256 beside it. Copy both to
a USB stick; 'docktutor kit load FILE' puts the images on a machine without a registry.

When images are missing it lists them and stops, unless --partial is given.`,
		Example: `  docktutor kit save /media/usb/docktutor-kit.tar.gz`,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return o.run(cmd.Context(), args[0])
		},
	}
	cmd.Flags().BoolVar(&o.partial, "partial", false, "save the images that are here, leaving the missing ones out")
	return cmd
}

func (o *kitSaveOptions) run(ctx context.Context, file string) error {
	images, err := o.images()
	if err != nil {
		return err
	}
	k, release, err := o.openKit(ctx)
	if err != nil {
		return err
	}
	defer release()
	missing, err := missingImages(ctx, k, images)
	if err != nil {
		return err
	}
	if len(missing) > 0 {
		list := strings.Join(missing, ", ")
		if !o.partial {
			return exitf(1, "%s not on this daemon: %s; get them first (docktutor kit pull), or save the others with --partial",
				human.Plural(len(missing), "image is", "images are"), list)
		}
		fmt.Fprintf(o.streams.Err, "leaving out %s not on this daemon: %s\n", human.Plural(len(missing), "image", ""), list)
		images = without(images, missing)
		if len(images) == 0 {
			return exitf(1, "none of the images is on this daemon: nothing to save")
		}
	}
	estimate, err := k.SaveSize(ctx, images)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	rep := o.byteReporter(ctx, cancel)
	rep.phase(fmt.Sprintf("saving %s to %s", human.Plural(len(images), "image", ""), file), estimate)
	written, sum, err := writeBundle(ctx, k, images, file, rep)
	rep.finish()
	if err != nil {
		return interrupted(err, "no bundle written")
	}
	if err := os.WriteFile(file+".sha256", []byte(sum+"  "+filepath.Base(file)+"\n"), 0o644); err != nil {
		return err
	}
	fmt.Fprintf(o.streams.Out, "Saved %s to %s (%s) and its checksum to %s.sha256.\n",
		human.Plural(len(images), "image", ""), file, human.Size(written), file)
	return nil
}

// writeBundle streams the daemon's tar of images through gzip into file, by way of a temporary
// file beside it (a bundle cut short by a full stick or a ^C never takes the name), and returns
// the bundle's size and SHA-256.
func writeBundle(ctx context.Context, k engine.Kit, images []string, file string, rep byteReporter) (int64, string, error) {
	tar, err := k.Save(ctx, images)
	if err != nil {
		return 0, "", fmt.Errorf("save: %w", err)
	}
	defer tar.Close()
	tmp, err := os.CreateTemp(filepath.Dir(file), "."+filepath.Base(file)+".*")
	if err != nil {
		return 0, "", err
	}
	defer os.Remove(tmp.Name()) // after the rename there is nothing left to remove
	h := sha256.New()
	counted := &countingWriter{w: io.MultiWriter(tmp, h)}
	// BestSpeed: the layers are mostly compressed already inside, and the default level costs
	// minutes of CPU on a 2 GB bundle for a few percent.
	zw, _ := gzip.NewWriterLevel(counted, gzip.BestSpeed)
	_, err = io.Copy(zw, countingReader{r: tar, rep: rep})
	if err == nil {
		err = zw.Close()
	}
	if err == nil {
		err = tmp.Sync()
	}
	if err == nil {
		err = tmp.Chmod(0o644) // CreateTemp's 0600 would keep the bundle from the room's other users
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		if ctx.Err() != nil {
			return 0, "", ctx.Err()
		}
		return 0, "", fmt.Errorf("write %s: %w", file, err)
	}
	if err := os.Rename(tmp.Name(), file); err != nil {
		return 0, "", err
	}
	return counted.n, hex.EncodeToString(h.Sum(nil)), nil
}

// countingWriter counts what is written through it.
type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// without returns refs minus drop, in order.
func without(refs, drop []string) []string {
	gone := map[string]bool{}
	for _, d := range drop {
		gone[d] = true
	}
	var out []string
	for _, r := range refs {
		if !gone[r] {
			out = append(out, r)
		}
	}
	return out
}

type kitLoadOptions struct {
	*kitOptions
}

func newKitLoadCmd(k *kitOptions) *cobra.Command {
	o := &kitLoadOptions{kitOptions: k}
	cmd := &cobra.Command{
		Use:   "load FILE",
		Short: "Load a bundle made by kit save, after checking it against FILE.sha256",
		Long: `Check FILE against the FILE.sha256 beside it (a copy damaged on the way is refused before
anything is loaded), then stream it into the daemon and list each image it loaded. Works
without any registry or network.`,
		Example: `  docktutor kit load /media/usb/docktutor-kit.tar.gz`,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return o.run(cmd.Context(), args[0])
		},
	}
	return cmd
}

func (o *kitLoadOptions) run(ctx context.Context, file string) error {
	want, err := readChecksum(file + ".sha256")
	if err != nil {
		return exitf(1, "%v (copy it along with %s: kit save writes both)", err, filepath.Base(file))
	}
	f, err := os.Open(file)
	if err != nil {
		return exitf(1, "%v", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return err
	}
	k, release, err := o.openKit(ctx)
	if err != nil {
		return err
	}
	defer release()

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	rep := o.byteReporter(ctx, cancel)
	rep.phase("checking "+file+" against "+filepath.Base(file)+".sha256", st.Size())
	got, err := hashFile(ctx, f, rep)
	if err == nil && got != want {
		err = exitf(1, "%s does not match %s.sha256 (a damaged or different copy): its SHA-256 is %s, the checksum file says %s; copy it again",
			file, filepath.Base(file), got, want)
	}
	if err == nil {
		_, err = f.Seek(0, io.SeekStart)
	}
	var loaded []string
	if err == nil {
		rep.phase("loading "+file, st.Size())
		loaded, err = k.Load(ctx, countingReader{r: bufio.NewReaderSize(f, 1<<20), rep: rep})
	}
	rep.finish()
	if err != nil {
		var ee *ExitError
		if errors.As(err, &ee) {
			return err
		}
		if errors.Is(err, context.Canceled) {
			return interrupted(err, "while loading "+file)
		}
		return fmt.Errorf("load %s: %w", file, err)
	}
	for _, ref := range loaded {
		line := "Loaded " + dockerfile.Printable(ref)
		if s, err := k.ImageStatus(ctx, ref); err == nil && s.StandIn {
			line += "  (a docktutor TEST STAND-IN, not the real image)"
		}
		fmt.Fprintln(o.streams.Out, line)
	}
	fmt.Fprintf(o.streams.Out, "Loaded %s from %s.\n", human.Plural(len(loaded), "image", ""), file)
	return nil
}

// readChecksum reads the hex SHA-256 at the start of a sha256sum-style file.
func readChecksum(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("cannot verify the bundle: %w", err)
	}
	fields := strings.Fields(string(b))
	if len(fields) == 0 || len(fields[0]) != sha256.Size*2 {
		return "", fmt.Errorf("%s:1: not a SHA-256 checksum line (\"<64 hex digits>  FILE\")", path)
	}
	if _, err := hex.DecodeString(fields[0]); err != nil {
		return "", fmt.Errorf("%s:1: not a SHA-256 checksum: %v", path, err)
	}
	return strings.ToLower(fields[0]), nil
}

// hashFile returns the hex SHA-256 of r, counting the bytes as it reads.
func hashFile(ctx context.Context, r io.Reader, rep byteReporter) (string, error) {
	var h hash.Hash = sha256.New()
	if _, err := io.Copy(h, countingReader{r: ctxReader{ctx, r}, rep: rep}); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// ctxReader stops reading once ctx is done, so that a ^C interrupts a long checksum.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
