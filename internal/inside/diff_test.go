package inside

import (
	"reflect"
	"testing"
)

func TestCompare(t *testing.T) {
	fat := FromEntries([]Entry{
		{Path: "/usr/local/go/bin/go", Kind: KindFile, Size: 15_000_000},
		{Path: "/usr/local/go/pkg/tool/linux_amd64/compile", Kind: KindFile, Size: 20_000_000},
		{Path: "/usr/local/go/src", Kind: KindDir},
		{Path: "/usr/bin/gcc", Kind: KindSymlink, Link: "gcc-12"},
		{Path: "/usr/bin/gcc-12", Kind: KindFile, Size: 1_000_000},
		{Path: "/usr/bin/cc", Kind: KindHardlink, Link: "/usr/bin/gcc-12"},
		{Path: "/etc/passwd", Kind: KindFile, Size: 900},
		{Path: "/webapp", Kind: KindFile, Size: 8_000_000},
		{Path: "/src/main.go", Kind: KindFile, Size: 2_000},
	})
	thin := FromEntries([]Entry{
		{Path: "/etc/passwd", Kind: KindFile, Size: 150}, // same path: shared, though smaller
		{Path: "/webapp", Kind: KindFile, Size: 8_000_000},
		{Path: "/etc/ssl/certs/ca-certificates.crt", Kind: KindFile, Size: 200_000},
		{Path: "/usr/share/zoneinfo/UTC", Kind: KindFile, Size: 100},
	})
	for _, tt := range []struct {
		name  string
		depth int
		want  Diff
	}{
		{"depth 3", 3, Diff{
			OnlyA: Only{Files: 5, Bytes: 36_002_000, Groups: []Group{
				{Dir: "/usr/local/go", Files: 2, Bytes: 35_000_000},
				{Dir: "/usr/bin", Files: 2, Bytes: 1_000_000},
				{Dir: "/src/main.go", Files: 1, Bytes: 2_000},
			}},
			OnlyB: Only{Files: 2, Bytes: 200_100, Groups: []Group{
				{Dir: "/etc/ssl/certs/ca-certificates.crt", Files: 1, Bytes: 200_000},
				{Dir: "/usr/share/zoneinfo/UTC", Files: 1, Bytes: 100},
			}},
		}},
		{"depth 1", 1, Diff{
			OnlyA: Only{Files: 5, Bytes: 36_002_000, Groups: []Group{
				{Dir: "/usr", Files: 4, Bytes: 36_000_000},
				{Dir: "/src/main.go", Files: 1, Bytes: 2_000},
			}},
			OnlyB: Only{Files: 2, Bytes: 200_100, Groups: []Group{
				{Dir: "/etc/ssl/certs/ca-certificates.crt", Files: 1, Bytes: 200_000},
				{Dir: "/usr/share/zoneinfo/UTC", Files: 1, Bytes: 100},
			}},
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := Compare(fat, thin, tt.depth); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Compare =\n%+v\nwant\n%+v", got, tt.want)
			}
		})
	}
	if d := Compare(thin, thin, 3); d.OnlyA.Files != 0 || len(d.OnlyB.Groups) != 0 {
		t.Errorf("an image compared with itself differs: %+v", d)
	}
}
