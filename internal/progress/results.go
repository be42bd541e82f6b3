package progress

import (
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

// resultsFile is the JSON document in results.json: results by lesson, then by strategy.
type resultsFile struct {
	Version int                                `json:"version"`
	Results map[string]map[string]CachedResult `json:"results"`
}

// ResultsCache keeps the last successful lab.Result of every strategy the learner built. It is a
// cache: deleting it loses nothing but the numbers shown while the daemon is away. It is safe
// for use by several goroutines, and saved the same way as Store: several processes may share
// it, and a result measured by one is not lost when another saves.
type ResultsCache struct {
	mu      sync.Mutex
	path    string
	data    resultsFile
	pending []CachedResult // results put since the last save
	now     func() time.Time
}

// OpenResults loads results.json from dir, with the same rules as Open: a missing file gives an
// empty cache, an unreadable one is moved aside and reported as a Warning.
func OpenResults(dir string) (*ResultsCache, []Warning, error) {
	c := &ResultsCache{path: filepath.Join(dir, ResultsFileName), now: time.Now}
	c.data = emptyResults()
	warn, reset, err := load(c.path, &c.data, c.now())
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
	if len(c.pending) == 0 {
		return nil
	}
	merged, err := merge(c.path, c.data, emptyResults, func(f *resultsFile) {
		if f.Results == nil {
			f.Results = map[string]map[string]CachedResult{}
		}
		for _, cr := range c.pending {
			f.put(cr)
		}
	})
	if err != nil {
		return err
	}
	c.data, c.pending = merged, nil
	return nil
}
