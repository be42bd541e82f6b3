package lesson

import (
	"errors"
	"io/fs"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// GlossaryFile is where a lessons folder keeps its glossary. It is optional: a teacher's own
// folder without one has no glossary.
const GlossaryFile = "glossary.yaml"

// Term is one entry of the glossary: a word of jargon the lessons use, what it means, and the
// lesson that teaches it.
type Term struct {
	ID   string
	Term string // as the glossary lists it, e.g. "static binary"
	// Aliases are other ways the lessons write it ("statically linked"); a lesson mentions the
	// term when its text holds the term or one of these, as whole words, in any case.
	Aliases    []string
	Definition string // markdown, a few sentences
	// Lesson is the id of the lesson that teaches the term.
	Lesson string
}

type glossaryFile struct {
	Terms []termFile `yaml:"terms"`
}

type termFile struct {
	ID         string   `yaml:"id"`
	Term       string   `yaml:"term"`
	Aliases    []string `yaml:"aliases"`
	Definition string   `yaml:"definition"`
	Lesson     string   `yaml:"lesson"`
}

// maxDefinition bounds a definition: the glossary is a reminder, not a second lesson, and an
// entry must fit a 24-line screen beside others.
const maxDefinition = 600

// loadGlossary reads the glossary, if the folder has one, and checks it against the course's
// lessons. Problems go to v, each naming the file and the term.
func loadGlossary(fsys fs.FS, lessons []string, v *validator) []*Term {
	if _, err := fs.Stat(fsys, GlossaryFile); errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	var gf glossaryFile
	if err := readYAML(fsys, GlossaryFile, &gf); err != nil {
		v.add("%v", err)
		return nil
	}
	var terms []*Term
	seen, words := map[string]bool{}, map[string]string{}
	for i, tf := range gf.Terms {
		where := v.checkID(GlossaryFile, "term", i, tf.ID, seen)
		t := &Term{ID: tf.ID, Term: strings.TrimSpace(tf.Term), Definition: strings.TrimSpace(tf.Definition), Lesson: tf.Lesson}
		switch {
		case t.Term == "":
			v.add("%s: term (the word itself) is missing", where)
		case t.Definition == "":
			v.add("%s: definition is missing", where)
		case utf8.RuneCountInString(t.Definition) > maxDefinition:
			v.add("%s: definition is %d characters; keep it under %d (the lesson teaches the rest)", where, utf8.RuneCountInString(t.Definition), maxDefinition)
		}
		switch {
		case t.Lesson == "":
			v.add("%s: lesson (the one that teaches it) is missing", where)
		case !slices.Contains(lessons, t.Lesson):
			v.add("%s: lesson %q is not in course.yaml", where, t.Lesson)
		}
		for _, w := range append([]string{t.Term}, tf.Aliases...) {
			w = strings.TrimSpace(w)
			key := strings.ToLower(w)
			switch {
			case w == "":
				v.add("%s: an alias is empty", where)
				continue
			case words[key] != "" && words[key] != t.ID:
				v.add("%s: %q is already a word of term %q; a word may name one term only", where, w, words[key])
				continue
			case words[key] == t.ID:
				continue // the same word twice in one term is harmless
			}
			words[key] = t.ID
			if w != t.Term {
				t.Aliases = append(t.Aliases, w)
			}
		}
		terms = append(terms, t)
	}
	if len(gf.Terms) == 0 {
		v.add("%s: lists no terms (delete the file for no glossary)", GlossaryFile)
	}
	return terms
}

// Words are the ways the lessons may write the term: the term itself, then its aliases.
func (t *Term) Words() []string { return append([]string{t.Term}, t.Aliases...) }

// MentionedIn reports whether text uses the term or one of its aliases as a whole word (not
// inside a longer word: "stage" is not in "stages", "-p" is not in "-pie"), in any case.
func (t *Term) MentionedIn(text string) bool {
	lower := strings.ToLower(text)
	for _, w := range t.Words() {
		if containsWord(lower, strings.ToLower(w)) {
			return true
		}
	}
	return false
}

// containsWord reports whether s holds w with no letter or digit right before or after it.
func containsWord(s, w string) bool {
	for from := 0; ; {
		i := strings.Index(s[from:], w)
		if i < 0 {
			return false
		}
		i += from
		before, _ := utf8.DecodeLastRuneInString(s[:i])
		after, _ := utf8.DecodeRuneInString(s[i+len(w):])
		if !wordRune(before) && !wordRune(after) {
			return true
		}
		from = i + 1
	}
}

func wordRune(r rune) bool { return r != utf8.RuneError && (unicode.IsLetter(r) || unicode.IsDigit(r)) }

// AllText is everything a learner reads in the lesson: its text, its strategies' explanations and
// their checks', and its questions with their choices, explanations and captions.
func (l *Lesson) AllText() string {
	parts := []string{l.Title, l.Summary, l.Text}
	for _, s := range l.Strategies {
		parts = append(parts, s.Title, s.Explain)
		for _, c := range s.Checks {
			parts = append(parts, c.Title, c.Explain)
		}
	}
	for _, q := range l.Questions {
		parts = append(parts, q.Question, q.Explain, q.Caption)
		parts = append(parts, q.Choices...)
	}
	return strings.Join(parts, "\n")
}

// TermsIn lists the glossary's terms the lesson uses anywhere a learner reads, in glossary
// order, and the terms it teaches even where its text does not name them.
func (c *Course) TermsIn(l *Lesson) []*Term {
	text := l.AllText()
	var out []*Term
	for _, t := range c.Glossary {
		if t.Lesson == l.ID || t.MentionedIn(text) {
			out = append(out, t)
		}
	}
	return out
}

// Term returns the glossary term with the given id.
func (c *Course) Term(id string) (*Term, bool) {
	for _, t := range c.Glossary {
		if t.ID == id {
			return t, true
		}
	}
	return nil, false
}
