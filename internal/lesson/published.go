package lesson

import (
	"fmt"
	"net/url"
	"time"
)

// Published is a size that a base image's publisher states for it. docktutor did not measure
// it: it stands in, clearly labelled, until a build on the learner's own daemon measures the
// real thing (no daemon yet, nothing built yet).
type Published struct {
	Image string
	Bytes int64
	// Compressed: the figure is the download (transfer) size. Unpacked on disk, which is what
	// `docker images` and docktutor's measurements show, the same image is larger.
	Compressed bool
	Approx     bool   // the source gives a round figure ("around 2 MiB")
	Source     string // who states it, and where
	URL        string
	Date       time.Time // when the source stated it
}

type publishedFile struct {
	Image   string `yaml:"image"`
	Bytes   int64  `yaml:"bytes"`
	Measure string `yaml:"measure"` // "compressed" (download size) or "unstated"
	Approx  bool   `yaml:"approx"`
	Source  string `yaml:"source"`
	URL     string `yaml:"url"`
	Date    string `yaml:"date"` // YYYY-MM-DD
}

// PublishedSize is the publisher's figure for image, if the course has one.
func (c *Course) PublishedSize(image string) (Published, bool) {
	for _, p := range c.Published {
		if p.Image == image {
			return p, true
		}
	}
	return Published{}, false
}

// loadPublished checks course.yaml's published_sizes: each names an image once, a positive
// size, what kind of size it is, and a source with a link and a date, since a figure nobody
// can check must not be shown beside measured ones.
func loadPublished(in []publishedFile, v *validator) []Published {
	var out []Published
	seen := map[string]bool{}
	for i, p := range in {
		where := fmt.Sprintf("course.yaml: published_sizes %d", i+1)
		if p.Image != "" {
			where = fmt.Sprintf("course.yaml: published size of %q", p.Image)
		}
		ok := true
		bad := func(format string, args ...any) {
			v.add(where+": "+format, args...)
			ok = false
		}
		switch {
		case p.Image == "":
			bad("no image")
		case seen[p.Image]:
			bad("listed twice")
		}
		seen[p.Image] = true
		if p.Bytes <= 0 {
			bad("bytes must be a positive number of bytes")
		}
		if p.Measure != "compressed" && p.Measure != "unstated" {
			bad("measure is %q; use compressed (a download size) or unstated", p.Measure)
		}
		if p.Source == "" {
			bad("no source: say who publishes the figure")
		}
		if u, err := url.Parse(p.URL); err != nil || u.Scheme != "https" || u.Host == "" {
			bad("url %q: give the https address where the figure can be checked", p.URL)
		}
		date, err := time.Parse(time.DateOnly, p.Date)
		if err != nil {
			bad("date %q: use YYYY-MM-DD, when the source stated the figure", p.Date)
		}
		if ok {
			out = append(out, Published{Image: p.Image, Bytes: p.Bytes, Compressed: p.Measure == "compressed",
				Approx: p.Approx, Source: p.Source, URL: p.URL, Date: date})
		}
	}
	return out
}
