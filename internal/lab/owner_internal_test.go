package lab

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/docktutor/docktutor/internal/engine"
)

func TestNamespaceFrom(t *testing.T) {
	tests := []struct{ in, want string }{
		{"ada", "ada"},
		{"Ada.Lovelace", "ada-lovelace"},
		{`CORP\bob`, "corp-bob"},
		{"_svc-", "svc"},
		{"john..doe", "john-doe"},
		{"a.@b", "a-b"},
		{"émile", "mile"},
		{"---", ""},
	}
	for _, tt := range tests {
		if got := NamespaceFrom(tt.in); got != tt.want {
			t.Errorf("NamespaceFrom(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// labelEngine answers Inspect with the labels of the images it holds, by tag.
type labelEngine struct {
	engine.Engine
	images map[string]map[string]string
}

func (e labelEngine) Inspect(_ context.Context, ref string) (engine.ImageInfo, error) {
	labels, ok := e.images[ref]
	if !ok {
		return engine.ImageInfo{}, errors.New("No such image: " + ref)
	}
	return engine.ImageInfo{Labels: labels}, nil
}

// TestTagForSharedDaemon: the plain tag unless another learner's image holds it.
func TestTagForSharedDaemon(t *testing.T) {
	plain := Tag("", "multistage", "go-single")
	mine := Tag(OwnerNamespace(), "multistage", "go-single")
	tests := []struct {
		name   string
		images map[string]map[string]string
		ns     string
		want   string
	}{
		{"free", nil, "", plain},
		{"my own image", map[string]map[string]string{plain: {engine.LabelOwner: Owner()}}, "", plain},
		{"my own image, made under another host name", map[string]map[string]string{plain: {engine.LabelOwner: userName() + "@old-laptop"}}, "", plain},
		{"an image from before owners were labelled", map[string]map[string]string{plain: {engine.LabelManaged: "true"}}, "", plain},
		{"another learner's image", map[string]map[string]string{plain: {engine.LabelOwner: "someone@elsewhere"}}, "", mine},
		{"another learner's image on this host", map[string]map[string]string{plain: {engine.LabelOwner: "someone@" + strings.SplitN(Owner(), "@", 2)[1]}}, "", mine},
		{"a namespace given", map[string]map[string]string{plain: {engine.LabelOwner: "someone@elsewhere"}}, "ws1", Tag("ws1", "multistage", "go-single")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tagFor(context.Background(), labelEngine{images: tt.images}, Options{Namespace: tt.ns}, "multistage", "go-single")
			if got != tt.want {
				t.Errorf("tag %q, want %q", got, tt.want)
			}
		})
	}
}
