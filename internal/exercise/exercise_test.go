package exercise

import (
	"bytes"
	"context"
	"debug/elf"
	"encoding/binary"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/docktutor/docktutor/internal/engine"
	"github.com/docktutor/docktutor/internal/enginefake"
	"github.com/docktutor/docktutor/internal/inside"
	"github.com/docktutor/docktutor/internal/lab"
	"github.com/docktutor/docktutor/internal/lesson"
	"github.com/docktutor/docktutor/lessons"
)

// fakeELF is the start of a 64-bit little-endian ELF with one program header: PT_INTERP
// naming interp, or PT_LOAD when interp is empty (a static binary).
func fakeELF(interp string) []byte {
	var b bytes.Buffer
	h := elf.Header64{Type: uint16(elf.ET_EXEC), Machine: uint16(elf.EM_X86_64), Version: 1,
		Phoff: 64, Ehsize: 64, Phentsize: 56, Phnum: 1}
	copy(h.Ident[:], elf.ELFMAG)
	h.Ident[elf.EI_CLASS], h.Ident[elf.EI_DATA], h.Ident[elf.EI_VERSION] = byte(elf.ELFCLASS64), byte(elf.ELFDATA2LSB), 1
	_ = binary.Write(&b, binary.LittleEndian, h)
	p := elf.Prog64{Type: uint32(elf.PT_LOAD)}
	if interp != "" {
		p = elf.Prog64{Type: uint32(elf.PT_INTERP), Off: 64 + 56, Filesz: uint64(len(interp) + 1)}
	}
	_ = binary.Write(&b, binary.LittleEndian, p)
	b.WriteString(interp + "\x00")
	return b.Bytes()
}

func TestElfInterpreter(t *testing.T) {
	if got, err := elfInterpreter(fakeELF("/lib64/ld-linux-x86-64.so.2")); err != nil || got != "/lib64/ld-linux-x86-64.so.2" {
		t.Errorf("dynamic: %q, %v", got, err)
	}
	if got, err := elfInterpreter(fakeELF("")); err != nil || got != "" {
		t.Errorf("static: %q, %v", got, err)
	}
	if _, err := elfInterpreter([]byte("#!/bin/sh\necho hi\n")); err == nil || !strings.Contains(err.Error(), "not an ELF") {
		t.Errorf("script: %v", err)
	}
	if _, err := elfInterpreter(fakeELF("")[:80]); err != errShort {
		t.Errorf("cut short: %v, want errShort", err)
	}
}

func TestUserIsRoot(t *testing.T) {
	passwd := []byte("root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532::/home/nonroot:/sbin/nologin\ntoor:x:0:0::/:/bin/sh\n")
	for user, want := range map[string][2]any{
		"": {true, 0}, "root": {true, 0}, "0": {true, 0}, "0:0": {true, 0}, "65532:65532": {false, 65532},
		"nonroot": {false, 65532}, "toor": {true, 0}, "ghost": {false, -1},
	} {
		root, uid := userIsRoot(user, passwd)
		if root != want[0] || uid != want[1] {
			t.Errorf("userIsRoot(%q) = %v, %d; want %v, %v", user, root, uid, want[0], want[1])
		}
	}
}

func TestGrade(t *testing.T) {
	sizes := map[string]int64{"a": 300, "b": 200, "c": 100}
	if g := Grade([]string{"a", "b", "c"}, sizes); !g.Exact || g.Right != 3 || g.Pairs != 3 {
		t.Errorf("exact: %+v", g)
	}
	g := Grade([]string{"c", "a", "b"}, sizes)
	if g.Exact || g.Right != 1 || g.Pairs != 3 || strings.Join(g.Measured, ",") != "a,b,c" {
		t.Errorf("one pair right: %+v", g)
	}
	if g := Grade([]string{"b", "a"}, map[string]int64{"a": 5, "b": 5}); !g.Exact {
		t.Errorf("a tie counts as right: %+v", g)
	}
}

func TestVerdictString(t *testing.T) {
	v := Verdict{Measured: "910.4 MB", Want: "≤ 25 MB", Hint: "the toolchain still ships", Where: "line 1 FROM golang:1.27 is the image"}
	if got, want := v.String(), "910.4 MB — goal ≤ 25 MB: the toolchain still ships; line 1 FROM golang:1.27 is the image"; got != want {
		t.Errorf("failing: %q\nwant      %q", got, want)
	}
	v = Verdict{Passed: true, Measured: "6.5 MB", Want: "≤ 25 MB"}
	if got := v.String(); got != "6.5 MB (≤ 25 MB)" {
		t.Errorf("passing: %q", got)
	}
}

// testExercise is an exercise on a one-file app with the goals given.
func testExercise(goals ...lesson.Goal) *lesson.Exercise {
	return &lesson.Exercise{ID: "ex", LessonID: "one", Files: fstest.MapFS{"main.go": {Data: []byte("package main\n")}},
		Goals: goals, Starter: []byte("FROM scratch\n")}
}

func TestCheckParseErrorBeforeAnyBuild(t *testing.T) {
	fe := enginefake.New(nil)
	ex := testExercise(lesson.Goal{ID: "b", Title: "builds", Check: lesson.CheckBuilds})
	rep, err := Check(context.Background(), fe, ex, []byte("FROM scratch\nCOPPY a b\n"), Options{}, Hooks{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Passed || !strings.HasPrefix(rep.Error, "Dockerfile:2: unknown instruction") || len(rep.Goals) != 1 || rep.Goals[0].Passed {
		t.Errorf("report %+v", rep)
	}
	if b := fe.Builds(); len(b) != 0 {
		t.Errorf("built %v before the parse error was reported", b)
	}
}

func TestCheckFailedBuild(t *testing.T) {
	fe := enginefake.New(nil)
	fe.Fail = map[string]string{Tag("", "ex"): "RUN go build: exit code 1"}
	ex := testExercise(lesson.Goal{ID: "b", Title: "builds", Check: lesson.CheckBuilds}, lesson.Goal{ID: "s", Title: "small", Check: lesson.CheckSizeMax, SizeMax: 1})
	rep, err := Check(context.Background(), fe, ex, []byte("FROM scratch\n"), Options{}, Hooks{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Passed || !strings.Contains(rep.Error, "RUN go build: exit code 1") || rep.Goals[0].Measured != "the build failed" ||
		!strings.Contains(rep.Goals[1].Measured, "not checked") {
		t.Errorf("report %+v", rep)
	}
}

func TestCheckGoalsOnFake(t *testing.T) {
	tag := Tag("ns", "ex")
	fe := enginefake.New(map[string]int64{tag: 910_400_000})
	fe.DefaultOutput = "GET / -> 200 OK\n"
	fe.Inside = map[string]inside.Report{tag: inside.FromEntries([]inside.Entry{
		{Path: "/bin", Kind: inside.KindDir, Mode: 0o755},
		{Path: "/bin/busybox", Kind: inside.KindFile, Size: 900, Mode: 0o755},
		{Path: "/bin/sh", Kind: inside.KindSymlink, Link: "busybox"},
		{Path: "/usr/local/go/bin/go", Kind: inside.KindFile, Size: 9000, Mode: 0o755},
		{Path: "/app", Kind: inside.KindFile, Size: 200, Mode: 0o755},
	})}
	fe.FileData = map[string]map[string][]byte{tag: {"/app": fakeELF(""), "/dyn": fakeELF("/lib/ld-musl-x86_64.so.1")}}
	ex := testExercise(
		lesson.Goal{ID: "size", Title: "small", Check: lesson.CheckSizeMax, SizeMax: 25e6, Hint: "the toolchain still ships"},
		lesson.Goal{ID: "shell", Title: "no shell", Check: lesson.CheckNoShell},
		lesson.Goal{ID: "cc", Title: "no compiler", Check: lesson.CheckNoCompiler},
		lesson.Goal{ID: "static", Title: "static", Check: lesson.CheckStaticBinary, Path: "/app"},
		lesson.Goal{ID: "dyn", Title: "static too", Check: lesson.CheckStaticBinary, Path: "/dyn"},
		lesson.Goal{ID: "present", Title: "app there", Check: lesson.CheckPresent, Paths: []string{"/app"}},
		lesson.Goal{ID: "stage", Title: "stage", Check: lesson.CheckStageNamed, Stage: "build"},
		lesson.Goal{ID: "base", Title: "base", Check: lesson.CheckFinalBaseNot, Patterns: []string{"golang*"}},
		lesson.Goal{ID: "runs", Title: "runs", Check: lesson.CheckRuns, Run: &lesson.RunCheck{Args: []string{"-selftest"}, Expect: "200 OK"}},
	)
	var seen []string
	rep, err := Check(context.Background(), fe, ex, []byte("FROM golang:1.27 AS build\nFROM build\n"), Options{Namespace: "ns"},
		Hooks{Goal: func(v Verdict) { seen = append(seen, v.ID) }})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{"size": false, "shell": false, "cc": false, "static": true, "dyn": false, "present": true, "stage": true, "base": false, "runs": true}
	for _, v := range rep.Goals {
		if v.Passed != want[v.ID] {
			t.Errorf("%s: passed=%v, want %v: %s", v.ID, v.Passed, want[v.ID], v)
		}
	}
	if got := rep.Goals[0].String(); got != "910.4 MB — goal ≤ 25 MB: the toolchain still ships; line 1 FROM golang:1.27 is the image" {
		t.Errorf("size verdict %q", got)
	}
	if got := rep.Goals[1].Measured; got != "found shell /bin/sh -> /bin/busybox" {
		t.Errorf("shell verdict %q", got)
	}
	if got := rep.Goals[2].Measured; got != "found compiler /usr/local/go/bin/go" {
		t.Errorf("compiler verdict %q", got)
	}
	if len(seen) != len(ex.Goals) {
		t.Errorf("Goal hook saw %v", seen)
	}
	if rep.Passed || rep.Image != tag {
		t.Errorf("report passed=%v image=%q", rep.Passed, rep.Image)
	}
	if len(fe.Runs) != 1 {
		t.Fatalf("runs: %+v", fe.Runs)
	}
	r := fe.Runs[0]
	if r.Network != "none" || r.Memory != DefaultMemory || r.PidsLimit != DefaultPids || r.Labels[LabelExercise] != "ex" || r.Labels[engine.LabelOwner] == "" {
		t.Errorf("the run is not confined: %+v", r)
	}
	if fe.OpenProbes != 0 || fe.Probes != 1 {
		t.Errorf("probes opened %d, still open %d; want one, closed", fe.Probes, fe.OpenProbes)
	}
}

func TestWorkspaceAndReset(t *testing.T) {
	dir := t.TempDir()
	ex := testExercise()
	p, err := Workspace(dir, ex)
	if err != nil || p != filepath.Join(dir, "ex", "Dockerfile") {
		t.Fatalf("Workspace = %q, %v", p, err)
	}
	if b, _ := os.ReadFile(p); string(b) != "FROM scratch\n" {
		t.Errorf("new workspace holds %q, want the starter", b)
	}
	if err := os.WriteFile(p, []byte("FROM alpine:3.22\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Workspace(dir, ex); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(p); string(b) != "FROM alpine:3.22\n" {
		t.Errorf("Workspace overwrote the learner's file: %q", b)
	}
	if err := Reset(dir, ex); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(p); string(b) != "FROM scratch\n" {
		t.Errorf("after Reset: %q", b)
	}
	t.Setenv("XDG_DATA_HOME", "/data")
	if d, _ := WorkspaceDir(); d != "/data/docktutor/exercises" {
		t.Errorf("WorkspaceDir = %q", d)
	}
}

func TestSizeRatioAndPredictOnFake(t *testing.T) {
	course, err := lesson.Load(lessons.FS)
	if err != nil {
		t.Fatal(err)
	}
	sizes := map[string]int64{Tag("ns", "ex"): 90e6}
	measured := map[string]int64{"go-single": 1000e6, "python-normal": 800e6, "python-multistage": 200e6,
		"python-distroless": 50e6, "go-multistage": 14e6, "go-distroless": 6e6}
	for id, n := range measured {
		sizes[lab.Tag("ns", "multistage", id)] = n
	}
	fe := enginefake.New(sizes)
	ex := testExercise(lesson.Goal{ID: "ratio", Title: "ratio", Check: lesson.CheckSizeRatioMax,
		Ratio: &lesson.SizeRatio{Lesson: "multistage", Strategy: "go-single", Max: 0.1}})
	opts := Options{Namespace: "ns", Course: course}
	rep, err := Check(context.Background(), fe, ex, []byte("FROM scratch\n"), opts, Hooks{})
	if err != nil {
		t.Fatal(err)
	}
	if v := rep.Goals[0]; !v.Passed || v.Measured != "90.0 MB, 0.09 × go-single (1.00 GB)" {
		t.Errorf("ratio verdict: %+v", v)
	}

	predict, _ := course.Exercise("predict-sizes")
	rep, err = Check(context.Background(), fe, predict, predict.Solution, opts, Hooks{})
	if err != nil || !rep.Passed {
		t.Errorf("the solution's order: %+v, %v", rep, err)
	}
	rep, err = Check(context.Background(), fe, predict, predict.Starter, opts, Hooks{})
	if err != nil || rep.Passed || !strings.HasPrefix(rep.Goals[0].Measured, "12 of 15 pairs") ||
		!strings.Contains(rep.Goals[0].Where, "go-single 1.00 GB > python-normal 800.0 MB") {
		t.Errorf("the starter's order: %+v, %v", rep.Goals, err)
	}
	rep, err = Check(context.Background(), fe, predict, []byte("go-single\nnope\n"), opts, Hooks{})
	if err != nil || rep.Passed || !strings.Contains(rep.Error, "prediction.txt: line 2") {
		t.Errorf("a bad prediction: %+v, %v", rep, err)
	}
}
