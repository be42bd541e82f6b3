package lab_test

import (
	"bytes"
	"context"
	"debug/elf"
	"encoding/binary"
	"encoding/json"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/docktutor/docktutor/internal/engine"
	"github.com/docktutor/docktutor/internal/enginefake"
	"github.com/docktutor/docktutor/internal/inside"
	"github.com/docktutor/docktutor/internal/lab"
	"github.com/docktutor/docktutor/internal/lesson"
)

// failingStart is the fake daemon, with every container exiting 1 the way runc reports a
// program whose loader is missing.
type failingStart struct{ *enginefake.Engine }

func (e failingStart) Run(ctx context.Context, req engine.RunRequest) (engine.RunResult, error) {
	return engine.RunResult{Output: "exec /webapp: no such file or directory\n", ExitCode: 1}, nil
}

// dynamicELF is the head of an x86-64 binary that needs glibc's loader.
func dynamicELF(t *testing.T) []byte {
	t.Helper()
	var b bytes.Buffer
	const interp = "/lib64/ld-linux-x86-64.so.2\x00"
	ident := [elf.EI_NIDENT]byte{0x7f, 'E', 'L', 'F', byte(elf.ELFCLASS64), byte(elf.ELFDATA2LSB), 1}
	for _, v := range []any{
		elf.Header64{Ident: ident, Type: uint16(elf.ET_EXEC), Machine: uint16(elf.EM_X86_64), Version: 1, Phoff: 64, Ehsize: 64, Phentsize: 56, Phnum: 1},
		elf.Prog64{Type: uint32(elf.PT_INTERP), Off: 120, Filesz: uint64(len(interp))},
	} {
		if err := binary.Write(&b, binary.LittleEndian, v); err != nil {
			t.Fatal(err)
		}
	}
	b.WriteString(interp)
	return b.Bytes()
}

// TestRunDiagnosesMissingLoader: a cgo binary on distroless static fails with "no such file or
// directory"; the result says why, in the run's error, in Diagnosis and in the JSON, whether
// the lesson expects the failure (the pitfall) or not.
func TestRunDiagnosesMissingLoader(t *testing.T) {
	const yaml = "strategies:\n  - id: cgo\n    title: T\n    app: py\n    dockerfile: a.Dockerfile\n    explain: x\n    expect: x\n    checks:\n      - title: Not even with its path\n        entrypoint: [/webapp]\n        explain: x\n"
	const want = "/webapp is there, but it is dynamically linked: needs /lib64/ld-linux-x86-64.so.2, which this image does not have"
	for _, tt := range []struct {
		name, expect, exit string
	}{
		{"the pitfall, expected", "no such file or directory", "1"}, // its check, which expects success, fails
		{"a surprise", "hello", "0"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			l := load(t, yaml, map[string]string{"a.Dockerfile": "FROM scratch\nCOPY hello.py /webapp\nENTRYPOINT [\"/webapp\"]\n"})
			s := l.Strategies[0]
			s.Expect, s.ExpectExit = tt.expect, map[string]int{"0": 0, "1": 1}[tt.exit]
			fe := enginefake.New(nil)
			tag := lab.Tag("", "demo", "cgo")
			fe.Inside = map[string]inside.Report{tag: inside.FromEntries([]inside.Entry{{Path: "/webapp", Kind: inside.KindFile, Size: 200, Mode: 0o755}})}
			fe.FileData = map[string]map[string][]byte{tag: {"/webapp": dynamicELF(t)}}
			res, err := lab.Run(context.Background(), failingStart{fe}, s, lab.Options{}, lab.Hooks{})
			if err == nil {
				t.Fatal("no error")
			}
			if res.Diagnosis == nil || res.Diagnosis.Message != want {
				t.Fatalf("Diagnosis = %+v, want %q", res.Diagnosis, want)
			}
			if !strings.Contains(err.Error(), want) {
				t.Errorf("error %q does not say why", err)
			}
			if tt.exit == "1" && (len(res.Checks) != 1 || res.Checks[0].Diagnosis == nil || res.Checks[0].Diagnosis.Missing != "/lib64/ld-linux-x86-64.so.2") {
				t.Errorf("the check has no diagnosis: %+v", res.Checks)
			}
			data, _ := json.Marshal(res)
			if !bytes.Contains(data, []byte(`"diagnosis":{"binary":"/webapp","interpreter":"/lib64/ld-linux-x86-64.so.2"`)) {
				t.Errorf("JSON lacks the diagnosis: %s", data)
			}
			if fe.OpenProbes != 0 {
				t.Errorf("%d probes left open", fe.OpenProbes)
			}
		})
	}
}

// TestCgoOnDistrolessOnDaemon: the seeds' third bug, live. A Go program built on the golang
// image with cgo on (gcc is there) links against glibc; shipped on distroless static it fails
// with "no such file or directory" though the file is there, and the diagnosis names the
// loader it lacks. (The same program with CGO_ENABLED=0 is every Go strategy of the multistage
// lesson, which TestMultistageLessonOnDaemon runs; one Go build here is slow enough.)
func TestCgoOnDistrolessOnDaemon(t *testing.T) {
	eng, _ := onDaemon(t)
	const app = "package main\n\nimport (\n\t\"fmt\"\n\t\"os/user\"\n)\n\nfunc main() {\n\tu, err := user.Current()\n\tfmt.Println(\"user:\", u != nil, err)\n}\n"
	const dockerfile = "FROM golang:1.27 AS build\nWORKDIR /src\nCOPY main.go ./\nRUN go build -o /out/app main.go\n" +
		"FROM gcr.io/distroless/static-debian13\nCOPY --from=build /out/app /app\nENTRYPOINT [\"/app\"]\n"

	yaml := "strategies:\n" +
		"  - {id: cgo, title: T, app: cgo, dockerfile: cgo.Dockerfile, explain: x, expect: no such file or directory, expect_exit: 1}\n"
	l := loadApp(t, yaml, map[string]string{"cgo.Dockerfile": dockerfile}, "cgo", map[string]string{"main.go": app})
	ns := "test-curcode-cgo"
	t.Cleanup(func() { removeNamespace(t, ns) })
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	for _, s := range l.Strategies {
		res, err := lab.Run(ctx, eng, s, lab.Options{Namespace: ns}, lab.Hooks{})
		removeStageImages(t, eng, res)
		if err != nil {
			t.Fatalf("%s: %v\n%s", s.ID, err, res.RunOutput)
		}
		const want = "/app is there, but it is dynamically linked: needs /lib64/ld-linux-x86-64.so.2, which this image does not have"
		if res.Diagnosis == nil || res.Diagnosis.Message != want {
			t.Fatalf("cgo: Diagnosis = %+v, want %q (output %q)", res.Diagnosis, want, res.RunOutput)
		}
		t.Logf("cgo: %s → %s", strings.TrimSpace(res.RunOutput), res.Diagnosis.Message)
	}
}

// loadApp is load with an app folder of its own.
func loadApp(t *testing.T, yaml string, files map[string]string, app string, appFiles map[string]string) *lesson.Lesson {
	t.Helper()
	f := fstest.MapFS{
		"course.yaml":      {Data: []byte("lessons: [demo]\n")},
		"demo/lesson.yaml": {Data: []byte("title: Demo\ntext: demo.md\n" + yaml)},
		"demo/demo.md":     {Data: []byte("# Demo\n")},
	}
	for name, data := range files {
		f["demo/"+name] = &fstest.MapFile{Data: []byte(data)}
	}
	for name, data := range appFiles {
		f["apps/"+app+"/"+name] = &fstest.MapFile{Data: []byte(data)}
	}
	c, err := lesson.Load(f)
	if err != nil {
		t.Fatal(err)
	}
	return c.Lessons[0]
}
