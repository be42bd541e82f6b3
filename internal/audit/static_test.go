package audit

import (
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"

	"github.com/docktutor/docktutor/internal/dockerfile"
)

// staticFindings parses a fixture Dockerfile and returns its static findings.
func staticFindings(t *testing.T, path, target string) []Finding {
	t.Helper()
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	g, err := dockerfile.Parse(src, dockerfile.Options{Target: target, Filename: path})
	if err != nil {
		t.Fatalf("parse %s: %v", path, err)
	}
	return Static(g, src)
}

// brief is a finding as the table names it: goal, level and line.
func brief(f Finding) string { return f.ID + "/" + string(f.Level) + "@" + strconv.Itoa(f.Line) }

func TestStaticFixtures(t *testing.T) {
	tests := []struct {
		file   string
		target string
		want   []string
	}{
		{"dockerfiles/latest.Dockerfile", "", []string{"base-latest/warning@1"}},
		// ARG-substituted FROM is judged after substitution; FROM deps is a stage, not a base.
		{"dockerfiles/untagged-arg.Dockerfile", "", []string{"base-untagged/warning@2"}},
		{"dockerfiles/pinned.Dockerfile", "", nil},
		{"dockerfiles/registry-port.Dockerfile", "", []string{"base-untagged/warning@1"}},
		// apt-get install and npm ci (exec form) after COPY --chown . ; npm run build is no install.
		{"dockerfiles/npm-after-copy.Dockerfile", "", []string{"install-after-copy/warning@4", "install-after-copy/warning@6"}},
		// RUN --mount=… go mod download after COPY ./ ./; the distroless FROM is a note.
		{"dockerfiles/go-mod-after-copy.Dockerfile", "", []string{"install-after-copy/warning@4", "base-untagged/note@6"}},
		{"dockerfiles/install-first.Dockerfile", "", nil},
		// The COPY of everything is in the stage this one starts FROM.
		{"dockerfiles/copy-in-base-stage.Dockerfile", "", []string{"install-after-copy/warning@6"}},
		{"dockerfiles/copy-in-base-stage.Dockerfile", "src", nil},
		// The stage the target does not need is not judged.
		{"dockerfiles/unneeded-stage.Dockerfile", "", []string{"install-after-copy/warning@6"}},
		{"dockerfiles/unneeded-stage.Dockerfile", "never-built", []string{"base-latest/warning@1"}},
		{"projects/go-good/Dockerfile", "", []string{"base-untagged/note@7"}},
		{"projects/go-single/Dockerfile", "", nil},
		{"projects/python-good/Dockerfile", "", []string{"base-untagged/note@2"}},
		{"projects/python-cache/Dockerfile", "", []string{"install-after-copy/warning@5"}},
		{"projects/python-secrets/Dockerfile", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.file+"#"+tt.target, func(t *testing.T) {
			fs := staticFindings(t, filepath.Join("testdata", tt.file), tt.target)
			var got []string
			for _, f := range fs {
				got = append(got, brief(f))
				if f.Lesson == "" || f.Fix == "" || f.Measured == "" || f.Where == "" || f.Title == "" {
					t.Errorf("finding %s lacks a field: %+v", brief(f), f)
				}
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("findings = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestStaticWords(t *testing.T) {
	fs := staticFindings(t, "testdata/projects/python-cache/Dockerfile", "")
	if len(fs) != 1 {
		t.Fatalf("want one finding, got %+v", fs)
	}
	f := fs[0]
	if f.Title != "pip install runs after a COPY of the whole build context: any edit reinstalls every dependency" {
		t.Errorf("title = %q", f.Title)
	}
	if want := "line 5: RUN pip install --no-cache-dir --no-index --find-links=./wh… comes after line 4: COPY . ."; f.Measured != want {
		t.Errorf("measured = %q, want %q", f.Measured, want)
	}
	if f.Lesson != "cache" {
		t.Errorf("lesson = %q, want cache", f.Lesson)
	}

	fs = staticFindings(t, "testdata/dockerfiles/untagged-arg.Dockerfile", "")
	if want := "FROM node (after ARG substitution)"; len(fs) != 1 || fs[0].Measured != want {
		t.Errorf("untagged-arg: %+v, want measured %q", fs, want)
	}
}

func TestInstallCommand(t *testing.T) {
	tests := []struct {
		cmd  string
		want string
	}{
		{"pip install -r requirements.txt", "pip install"},
		{"pip3 install --user flask", "pip install"},
		{"python3.13 -m pip install .", "pip install"},
		{"PIP_NO_CACHE_DIR=1 pip install -r r.txt", "pip install"},
		{"apt-get update && apt-get install -y curl", "apt-get install"},
		{"apk add --no-cache git", "apk add"},
		{"npm ci --omit=dev", "npm ci"},
		{"npm i", "npm i"},
		{"yarn", "yarn install"},
		{"yarn --frozen-lockfile", "yarn install"},
		{"pnpm install --frozen-lockfile", "pnpm install"},
		{"go mod download", "go mod download"},
		{"go mod -x download", "go mod download"},
		{"bundle install --jobs 4", "bundle install"},
		{"/usr/local/bin/poetry install --no-root", "poetry install"},
		{"uv sync --frozen", "uv sync"},
		{"cargo fetch", "cargo fetch"},
		{"sudo gem install rails", "gem install"},
		{"mvn -B dependency:go-offline", "mvn dependency:go-offline"},
		{"set -e; cd /app; pip install -e .", "pip install"},
		{"go build ./...", ""},
		{"go mod tidy", ""},
		{"npm run build", ""},
		{"pip --version", ""},
		{"yarn build", ""},
		{"python -m unittest", ""},
		{"echo pip install", ""},
	}
	for _, tt := range tests {
		got, ok := installCommand(tt.cmd)
		if got != tt.want || ok != (tt.want != "") {
			t.Errorf("installCommand(%q) = %q, %v; want %q", tt.cmd, got, ok, tt.want)
		}
	}
}

func TestCopiesWholeContext(t *testing.T) {
	tests := map[string]bool{
		"COPY . .":                              true,
		"COPY ./ /app/":                         true,
		"COPY --chown=app:app . /app":           true,
		`COPY [".", "/app"]`:                    true,
		"ADD . /src":                            true,
		"COPY * /app/":                          true,
		"COPY requirements.txt .":               false,
		"COPY src/ /app/src/":                   false,
		"COPY --link package.json yarn.lock ./": false,
		"COPY .":                                false,
	}
	for text, want := range tests {
		if got := copiesWholeContext(text); got != want {
			t.Errorf("copiesWholeContext(%q) = %v, want %v", text, got, want)
		}
	}
}

// TestLessonsExist keeps every lesson a finding names a lesson of the course.
func TestLessonsExist(t *testing.T) {
	for _, id := range []string{lessonNormal, lessonContext, lessonMultistage, lessonDistroless, lessonCache} {
		if _, err := os.Stat(filepath.Join("..", "..", "lessons", id, "lesson.yaml")); err != nil {
			t.Errorf("lesson %s: %v", id, err)
		}
	}
}
