package lesson

import (
	"os"
	"reflect"
	"strings"
	"testing"
)

// TestReadmeListsEveryKey: lessons/README.md is how lesson authors learn the format, so every
// YAML key the loader reads must have its row there.
func TestReadmeListsEveryKey(t *testing.T) {
	readme, err := os.ReadFile("../../lessons/README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range []any{courseFile{}, publishedFile{}, lessonFile{}, strategyFile{}, checkFile{}, editFile{}, questionFile{}} {
		typ := reflect.TypeOf(v)
		for i := range typ.NumField() {
			key, _, _ := strings.Cut(typ.Field(i).Tag.Get("yaml"), ",")
			if !strings.Contains(string(readme), "| `"+key+"` |") {
				t.Errorf("lessons/README.md has no row for %s's key %q", typ.Name(), key)
			}
		}
	}
	for _, k := range EvidenceKinds {
		if !strings.Contains(string(readme), "| `"+string(k)+"` |") {
			t.Errorf("lessons/README.md does not describe the evidence kind %q", k)
		}
	}
}

// TestReadmeListsEveryExerciseKey is TestReadmeListsEveryKey for exercise.yaml.
func TestReadmeListsEveryExerciseKey(t *testing.T) {
	readme, err := os.ReadFile("../../lessons/README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range []any{exerciseFile{}, goalFile{}, sizeRatioFile{}, runsFile{}, failsAtFile{}, cachedFile{}, predictFile{}} {
		typ := reflect.TypeOf(v)
		for i := range typ.NumField() {
			key, _, _ := strings.Cut(typ.Field(i).Tag.Get("yaml"), ",")
			if !strings.Contains(string(readme), "`"+key+"`") {
				t.Errorf("lessons/README.md does not name %s's key %q", typ.Name(), key)
			}
		}
	}
}
