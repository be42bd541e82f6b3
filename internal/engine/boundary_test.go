package engine

import (
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// sdkImports are the import paths of the Docker SDK and the libraries that come with it.
var sdkImports = []string{"github.com/moby/moby/", "github.com/docker/docker/", "github.com/containerd/errdefs"}

// TestOnlyEngineImportsTheSDK keeps the architecture rule that only this package talks to the
// daemon's client library: every other Go file of the module is read for its imports.
func TestOnlyEngineImportsTheSDK(t *testing.T) {
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("module root not found: %v", err)
	}
	here, _ := filepath.Abs(".")
	fset := token.NewFileSet()
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		switch {
		case err != nil:
			return err
		case d.IsDir() && (path == here || strings.HasPrefix(d.Name(), ".") && path != root || d.Name() == "testdata"):
			return filepath.SkipDir
		case d.IsDir() || !strings.HasSuffix(path, ".go"):
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		for _, imp := range f.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			for _, sdk := range sdkImports {
				if strings.HasPrefix(p, sdk) {
					rel, _ := filepath.Rel(root, path)
					t.Errorf("%s imports %s: only internal/engine may use the Docker SDK", rel, p)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
