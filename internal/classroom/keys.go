package classroom

import (
	"bytes"
	"fmt"
	"os"
	"strings"

	"github.com/docktutor/docktutor/internal/lab"
	gossh "golang.org/x/crypto/ssh"
)

// Role is what a key opens: the tutorial or the dashboard.
type Role int

const (
	RoleLearner Role = iota
	RoleInstructor
)

// Member is one key that may come in.
type Member struct {
	Fingerprint string // SHA256:… of the public key: who they are
	Name        string // the key's comment, sanitised and unique in the class
	Role        Role
}

// Roster is every key that may come in, by fingerprint.
type Roster map[string]Member

// LoadRoster reads the learners' authorized_keys file and, when instructors is not "", the
// instructors' one. A key in both is an instructor's. Names come from the keys' comments
// (sanitised; see displayName); a key without a comment, or whose name another key already
// has, is named after its fingerprint instead.
func LoadRoster(learners, instructors string) (Roster, error) {
	r := Roster{}
	if err := r.add(learners, RoleLearner); err != nil {
		return nil, err
	}
	if instructors != "" {
		if err := r.add(instructors, RoleInstructor); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// add reads one authorized_keys file into the roster.
func (r Roster) add(path string, role Role) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("keys: %w", err)
	}
	taken := map[string]bool{}
	for _, m := range r {
		taken[namespace(m.Name)] = true
	}
	n := 0
	for line, rest := 1, data; len(bytes.TrimSpace(rest)) > 0; line++ {
		var text []byte
		text, rest, _ = bytes.Cut(rest, []byte("\n"))
		if t := bytes.TrimSpace(text); len(t) == 0 || t[0] == '#' {
			continue
		}
		pk, comment, _, _, err := gossh.ParseAuthorizedKey(text)
		if err != nil {
			return fmt.Errorf("%s:%d: not a public key: %v", path, line, err)
		}
		fp := gossh.FingerprintSHA256(pk)
		if old, ok := r[fp]; ok {
			delete(taken, namespace(old.Name)) // listed again: the later entry decides
		}
		name := displayName(comment)
		if namespace(name) == "" || taken[namespace(name)] {
			name = shortFingerprint(fp)
		}
		taken[namespace(name)] = true
		r[fp] = Member{Fingerprint: fp, Name: name, Role: role}
		n++
	}
	if n == 0 {
		return fmt.Errorf("%s: no public keys in it", path)
	}
	return nil
}

// Count is how many keys of a role the roster holds.
func (r Roster) Count(role Role) int {
	n := 0
	for _, m := range r {
		if m.Role == role {
			n++
		}
	}
	return n
}

// displayName makes a key's comment fit to show and to name images by: "ada@laptop" gives
// "ada", letters, digits, '-', '_' and '.' are kept, anything else becomes '-', and the result
// is at most 24 characters.
func displayName(comment string) string {
	comment = strings.TrimSpace(comment)
	if i := strings.IndexByte(comment, '@'); i >= 0 {
		comment = comment[:i]
	}
	var b strings.Builder
	for _, r := range comment {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '_', r == '.':
			b.WriteRune(r)
		default:
			b.WriteByte('-')
		}
		if b.Len() >= 24 {
			break
		}
	}
	return strings.Trim(b.String(), "-_.")
}

// shortFingerprint names a key that has no usable comment: "key-" and the first characters of
// its fingerprint's hash, made fit for an image name.
func shortFingerprint(fp string) string {
	h := strings.TrimPrefix(fp, "SHA256:")
	var b strings.Builder
	for _, r := range h {
		if (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
		}
		if b.Len() == 8 {
			break
		}
	}
	return "key-" + b.String()
}

// namespace is a learner's image namespace (docktutor/<namespace>/…): their name as
// lab.NamespaceFrom makes any user name fit for an image reference.
func namespace(name string) string { return lab.NamespaceFrom(name) }
