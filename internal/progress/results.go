package progress

import (
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"github.com/docktutor/docktutor/internal/engine"
	"github.com/docktutor/docktutor/internal/lab"
)

// ResultsFileName is the name of the results cache inside the cache folder.
const ResultsFileName = "results.json"

// CachedResult is the last successful result of one strategy and when it was measured, shown
// ("last measured on …") when no daemon answers.
type CachedResult struct {
	Measured time.Time  `json:"measured"`
	Result   lab.Result `json:"result"`
}

// resultsFile is the JSON document in results.json: results by lesson, then by strategy, and
// the stage images docktutor's builds left.
type resultsFile struct {
	Version int                                `json:"version"`
	Results map[string]map[string]CachedResult `json:"results"`
	// StageImages are the IDs of the untagged stage images docktutor's legacy builds made
	// (lab.Result.StageImages), oldest first, until docktutor clean removes them.
	StageImages []string `json:"stage_images,omitempty"`
}

// ResultsCache keeps the last successful lab.Result of every strategy the learner built, and the
// IDs of the stage images docktutor's builds left for docktutor clean. It is a cache: deleting it
// loses the numbers shown while the daemon is away, and leaves those stage images to
// `docker image prune`. It is safe
// for use by several goroutines, and saved the same way as Store: several processes may share
// it, and a result measured by one is not lost when another saves.
type ResultsCache struct {
	mu      sync.Mutex
	path    string
	data    resultsFile
	pending []CachedResult // results put since the last save
	staged  []stageChange  // stage images added or forgotten since the last save, in order
	now     func() time.Time
	// readOnly: opened by OpenResultsReadOnly, so Save refuses and the file is never moved.
	readOnly bool
}

// stageChange is one stage image recorded (add) or forgotten.
type stageChange struct {
	id  string
	add bool
}

// OpenResults loads results.json from dir, with the same rules as Open: a missing file gives an
// empty cache, an unreadable one is moved aside and reported as a Warning.
func OpenResults(dir string) (*ResultsCache, []Warning, error) { return openResultsCache(dir, false) }

// OpenResultsReadOnly loads results.json from dir as OpenReadOnly loads progress.json: an
// unreadable file is reported and left where it is, and Save refuses.
func OpenResultsReadOnly(dir string) (*ResultsCache, []Warning, error) {
	return openResultsCache(dir, true)
}

func openResultsCache(dir string, readOnly bool) (*ResultsCache, []Warning, error) {
	c := &ResultsCache{path: filepath.Join(dir, ResultsFileName), now: time.Now, readOnly: readOnly}
	c.data = emptyResults()
	warn, reset, err := load(c.path, &c.data, c.now(), readOnly)
	if err != nil {
		return nil, nil, err
	}
	if reset || c.data.Results == nil {
		c.data = emptyResults()
	}
	var warnings []Warning
	if warn != nil {
		warnings = append(warnings, *warn)
	}
	return c, warnings, nil
}

func emptyResults() resultsFile {
	return resultsFile{Version: Version, Results: map[string]map[string]CachedResult{}}
}

// Path is the file the cache reads and saves.
func (c *ResultsCache) Path() string { return c.path }

// Put keeps r as the latest result of its lesson and strategy. Only results that passed are
// kept — a failed build says nothing about the image's size — so Put reports whether r was
// stored. The measurement date is r.Finished, or now when that is unset.
func (c *ResultsCache) Put(r lab.Result) bool {
	if !r.Passed || r.Lesson == "" || r.Strategy == "" {
		return false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	// Info is not saved (lab.Result tags it json:"-"); dropping it now means a result reads the
	// same before and after a restart, and no slices are shared with the caller.
	r.Info = engine.ImageInfo{}
	when := r.Finished
	if when.IsZero() {
		when = c.now()
	}
	cr := CachedResult{Measured: when, Result: r}
	c.data.put(cr)
	c.pending = append(c.pending, cr)
	return true
}

// put keeps cr unless a later measurement of the same strategy is already there (another
// process may have measured it since).
func (f *resultsFile) put(cr CachedResult) {
	byStrategy := f.Results[cr.Result.Lesson]
	if byStrategy == nil {
		byStrategy = map[string]CachedResult{}
		f.Results[cr.Result.Lesson] = byStrategy
	}
	if old, ok := byStrategy[cr.Result.Strategy]; ok && old.Measured.After(cr.Measured) {
		return
	}
	byStrategy[cr.Result.Strategy] = cr
}

// Get returns the cached result of a lesson's strategy.
func (c *ResultsCache) Get(lesson, strategy string) (CachedResult, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	cr, ok := c.data.Results[lesson][strategy]
	return cr, ok
}

// Lesson returns the cached results of a lesson, sorted by strategy id.
func (c *ResultsCache) Lesson(lesson string) []CachedResult {
	c.mu.Lock()
	defer c.mu.Unlock()
	byStrategy := c.data.Results[lesson]
	out := make([]CachedResult, 0, len(byStrategy))
	for _, id := range slices.Sorted(maps.Keys(byStrategy)) {
		out = append(out, byStrategy[id])
	}
	return out
}

// Save writes the cache to disk if anything changed since it was opened or last saved, merged
// with what another process saved meanwhile: for each strategy, the latest measurement wins.
func (c *ResultsCache) Save() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.pending) == 0 && len(c.staged) == 0 {
		return nil
	}
	if c.readOnly {
		return fmt.Errorf("%s: %w", c.path, errReadOnly)
	}
	merged, err := merge(c.path, c.data, emptyResults, func(f *resultsFile) {
		if f.Results == nil {
			f.Results = map[string]map[string]CachedResult{}
		}
		for _, cr := range c.pending {
			f.put(cr)
		}
		for _, ch := range c.staged {
			f.stage(ch)
		}
	})
	if err != nil {
		return err
	}
	c.data, c.pending, c.staged = merged, nil, nil
	return nil
}

// AddStageImages records the IDs of stage images a build of docktutor's made and left untagged
// (lab.Result.StageImages, of every build, failed or not), so that docktutor clean can remove
// them later. An ID already recorded stays once. Save writes them.
func (c *ResultsCache) AddStageImages(ids ...string) {
	c.changeStages(true, ids)
}

// ForgetStageImages drops the IDs of stage images that are gone (docktutor clean removed them,
// or someone else did). Save writes the change.
func (c *ResultsCache) ForgetStageImages(ids ...string) {
	c.changeStages(false, ids)
}

func (c *ResultsCache) changeStages(add bool, ids []string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, id := range ids {
		if id == "" {
			continue
		}
		ch := stageChange{id: id, add: add}
		c.data.stage(ch)
		c.staged = append(c.staged, ch)
	}
}

// StageImages returns the IDs of the stage images recorded and not forgotten, oldest first.
func (c *ResultsCache) StageImages() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.data.StageImages)
}

// stage applies one change to the recorded stage images.
func (f *resultsFile) stage(ch stageChange) {
	i := slices.Index(f.StageImages, ch.id)
	switch {
	case ch.add && i < 0:
		f.StageImages = append(f.StageImages, ch.id)
	case !ch.add && i >= 0:
		f.StageImages = slices.Delete(f.StageImages, i, i+1)
	}
}
