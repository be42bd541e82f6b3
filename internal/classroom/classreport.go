package classroom

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/docktutor/docktutor/internal/lesson"
	"github.com/docktutor/docktutor/internal/progress"
	"github.com/docktutor/docktutor/internal/report"
)

// The state dir's layout: <state-dir>/learners/<LearnerDir name>/ holds a learner's
// learner.json, progress store and results cache; class reports go to <state-dir>/reports/.
const (
	learnersDir     = "learners"
	reportsDir      = "reports"
	learnerFileName = "learner.json"
)

// HoldsClass reports whether stateDir is a class's state dir: the server made its learners
// folder there.
func HoldsClass(stateDir string) bool {
	st, err := os.Stat(filepath.Join(stateDir, learnersDir))
	return err == nil && st.IsDir()
}

// LearnerFile is who a learner's folder belongs to: learner.json.
type LearnerFile struct {
	Fingerprint string `json:"fingerprint"`
	Name        string `json:"name"`
	Engine      string `json:"engine"`
}

// LearnerDir is the folder of the learner with this key fingerprint in stateDir. The folder's
// name is the fingerprint made one safe path element, still readable: "SHA256:ab+/c" is
// "SHA256.ab-_c" (base64url's letters for base64's "+" and "/"). Letters and digits stay;
// "/", "+" and ":" (but a leading one) become "_", "-" and "."; any other byte, and a leading
// ":", is written %XX. No two fingerprints share a folder, and no name is "." or "..".
func LearnerDir(stateDir, fingerprint string) string {
	return filepath.Join(stateDir, learnersDir, dirName(fingerprint))
}

func dirName(fingerprint string) string {
	if fingerprint == "" {
		return "%" // never made from a fingerprint that has a byte
	}
	var b strings.Builder
	for i := 0; i < len(fingerprint); i++ {
		switch c := fingerprint[i]; {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
			b.WriteByte(c)
		case c == '/':
			b.WriteByte('_')
		case c == '+':
			b.WriteByte('-')
		case c == ':' && i > 0:
			b.WriteByte('.')
		default:
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

// ReadLearnerFile reads dir's learner.json.
func ReadLearnerFile(dir string) (LearnerFile, error) {
	var f LearnerFile
	data, err := os.ReadFile(filepath.Join(dir, learnerFileName))
	if err != nil {
		return f, err
	}
	if err := json.Unmarshal(data, &f); err != nil {
		return f, fmt.Errorf("read %s: %w", filepath.Join(dir, learnerFileName), err)
	}
	return f, nil
}

// WriteLearnerFile writes dir's learner.json, creating dir; a reader never sees half a file.
func WriteLearnerFile(dir string, f LearnerFile) error {
	data, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return err
	}
	return progress.WriteFileAtomic(filepath.Join(dir, learnerFileName), append(data, '\n'))
}

// classLearner is one learner's part of the class report.
type classLearner struct {
	dir, fingerprint, engine string
	report                   report.Report
	last                     time.Time // their last recorded activity
	notes                    []string  // what could not be read, in words
}

// ClassReport is the class report in Markdown: a summary row per learner, matrices of the
// lessons and exercises, then each learner's own report (status and measured sizes per lesson
// and exercise). It only reads: a learner's file that cannot be read is noted in their row and
// left where it is.
func ClassReport(stateDir string, c *lesson.Course, now time.Time) (string, error) {
	learners, err := readLearners(stateDir, c, now)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	b.WriteString("# docktutor class report\n\n")
	fmt.Fprintf(&b, "Written %s.\n\n", now.UTC().Format("2006-01-02 15:04 UTC"))
	if len(learners) == 0 {
		b.WriteString("No learner has come yet.\n")
		return b.String(), nil
	}

	b.WriteString("## Summary\n\n")
	b.WriteString("| Learner | Engine | Lessons done | Exercises passed | Last activity | Notes |\n")
	b.WriteString("|---|---|--:|--:|---|---|\n")
	for _, l := range learners {
		t := l.report.Totals()
		last := "–"
		if !l.last.IsZero() {
			last = l.last.UTC().Format("2006-01-02 15:04")
		}
		fmt.Fprintf(&b, "| %s | %s | %d/%d | %d/%d | %s | %s |\n", cell(l.report.Learner), cell(cmp.Or(l.engine, "–")),
			t.LessonsDone, t.Lessons, t.ExercisesDone, t.Exercises, last, cell(strings.Join(l.notes, "; ")))
	}

	b.WriteString("\n## Lessons\n\n")
	b.WriteString("✓ done · started · – not started\n\n")
	header, rule := "| Learner |", "|---|"
	for _, ls := range c.Lessons {
		header, rule = header+" `"+ls.ID+"` |", rule+":-:|"
	}
	b.WriteString(header + "\n" + rule + "\n")
	for _, l := range learners {
		b.WriteString("| " + cell(l.report.Learner) + " |")
		for _, ls := range l.report.Lessons {
			b.WriteString(" " + lessonMark(ls.Status) + " |")
		}
		b.WriteString("\n")
	}

	if exercises := c.Exercises(); len(exercises) > 0 {
		b.WriteString("\n## Exercises\n\n")
		b.WriteString("✓ every goal met · goals met of all · – not checked\n\n")
		header, rule := "| Learner |", "|---|"
		for _, ex := range exercises {
			header, rule = header+" `"+ex.ID+"` |", rule+":-:|"
		}
		b.WriteString(header + "\n" + rule + "\n")
		for _, l := range learners {
			b.WriteString("| " + cell(l.report.Learner) + " |")
			for _, e := range l.report.Exercises {
				b.WriteString(" " + exerciseMark(e) + " |")
			}
			b.WriteString("\n")
		}
	}

	for _, l := range learners {
		b.WriteString("\n" + learnerSection(l))
	}
	return b.String(), nil
}

// WriteClassReport writes the class report to <stateDir>/reports/class-<UTC time>.md and
// returns its path.
func WriteClassReport(stateDir string, c *lesson.Course, now time.Time) (string, error) {
	md, err := ClassReport(stateDir, c, now)
	if err != nil {
		return "", err
	}
	path := filepath.Join(stateDir, reportsDir, "class-"+now.UTC().Format("20060102-150405")+".md")
	if err := progress.WriteFileAtomic(path, []byte(md)); err != nil {
		return "", fmt.Errorf("class report: %w", err)
	}
	return path, nil
}

// readLearners reads every learner's folder, sorted by name. A learner's unreadable file is a
// note; only a state dir that cannot be listed is an error.
func readLearners(stateDir string, c *lesson.Course, now time.Time) ([]classLearner, error) {
	entries, err := os.ReadDir(filepath.Join(stateDir, learnersDir))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("class report: %w", err)
	}
	var out []classLearner
	for _, e := range entries {
		if e.IsDir() {
			out = append(out, readLearner(filepath.Join(stateDir, learnersDir, e.Name()), c, now))
		}
	}
	slices.SortFunc(out, func(a, b classLearner) int {
		return cmp.Or(cmp.Compare(strings.ToLower(a.report.Learner), strings.ToLower(b.report.Learner)), cmp.Compare(a.dir, b.dir))
	})
	return out, nil
}

// readLearner reads the learner's folder dir.
func readLearner(dir string, c *lesson.Course, now time.Time) classLearner {
	l := classLearner{dir: dir}
	lf, err := ReadLearnerFile(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		l.notes = append(l.notes, "no learner.json")
	case err != nil:
		l.notes = append(l.notes, "learner.json unreadable: "+oneLine(err.Error()))
	}
	l.fingerprint, l.engine = lf.Fingerprint, lf.Engine
	name := cmp.Or(lf.Name, lf.Fingerprint, filepath.Base(dir))

	store, results, notes := openStores(dir)
	l.notes = append(l.notes, notes...)
	l.report = report.Build(report.Inputs{Course: c, Progress: store, Results: results, Learner: name, Now: now,
		Exercises: report.Exercises(c, store)})
	l.last = lastActivity(store)
	return l
}

// openStores opens a learner's progress store and results cache read-only: an unreadable file
// is the learner's session's business to move aside (it warns them), not a report's. The store
// is never nil: one that cannot be read is empty, with a note saying why.
func openStores(dir string) (*progress.Store, *progress.ResultsCache, []string) {
	var notes []string
	store, warnings, err := progress.OpenReadOnly(dir)
	if err != nil {
		notes = append(notes, progress.FileName+" not read: "+oneLine(err.Error()))
		store = progress.Empty()
	}
	for _, w := range warnings {
		notes = append(notes, progress.FileName+" unreadable ("+oneLine(w.Reason)+"): nothing of it reported")
	}
	results, warnings, err := progress.OpenResultsReadOnly(dir)
	if err != nil {
		notes = append(notes, progress.ResultsFileName+" not read: "+oneLine(err.Error()))
	}
	for _, w := range warnings {
		notes = append(notes, progress.ResultsFileName+" unreadable ("+oneLine(w.Reason)+"): no sizes reported")
	}
	return store, results, notes
}

// lastActivity is the latest time the store records: a build, an answer, an exercise check, a
// lesson opened.
func lastActivity(s *progress.Store) time.Time {
	var last time.Time
	later := func(t time.Time) {
		if t.After(last) {
			last = t
		}
	}
	for _, id := range s.Recorded() {
		lp := s.Lesson(id)
		later(lp.Opened)
		for _, b := range lp.Built {
			later(b.At)
		}
		for _, a := range lp.Answers {
			later(a.At)
		}
		for _, e := range lp.Exercises {
			later(e.At)
		}
	}
	return last
}

func lessonMark(status string) string {
	switch status {
	case report.StatusDone:
		return "✓"
	case report.StatusPartial:
		return "started"
	}
	return "–"
}

func exerciseMark(e report.Exercise) string {
	switch {
	case e.Done:
		return "✓"
	case e.At.IsZero():
		return "–"
	}
	p := strings.TrimSuffix(e.Detail, " goals")
	return strings.Replace(cmp.Or(p, "checked"), " of ", "/", 1)
}

// learnerSection is the learner's own report (package report's Markdown) one heading level
// down, under their name.
func learnerSection(l classLearner) string {
	var b strings.Builder
	fmt.Fprintf(&b, "## %s\n\n", inline(l.report.Learner))
	if l.fingerprint != "" {
		fmt.Fprintf(&b, "Key `%s`", l.fingerprint)
		if l.engine != "" {
			fmt.Fprintf(&b, " · engine `%s`", l.engine)
		}
		b.WriteString(".\n\n")
	}
	for _, n := range l.notes {
		fmt.Fprintf(&b, "> **Note:** %s\n\n", inline(n))
	}
	lines := strings.Split(report.Markdown(l.report), "\n")
	// Its title and date say what the section's heading and the class report's date say.
	for len(lines) > 0 && (strings.HasPrefix(lines[0], "# ") || strings.HasPrefix(lines[0], "Written ") || lines[0] == "") {
		lines = lines[1:]
	}
	for _, line := range lines {
		if strings.HasPrefix(line, "#") {
			line = "#" + line
		}
		b.WriteString(line + "\n")
	}
	return strings.TrimRight(b.String(), "\n") + "\n"
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// inline makes text safe on one Markdown line.
func inline(s string) string { return oneLine(s) }

// cell makes text safe in a table cell: one line, and no bare "|".
func cell(s string) string { return strings.ReplaceAll(oneLine(s), "|", `\|`) }
