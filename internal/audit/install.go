package audit

import (
	"encoding/json"
	"path"
	"strings"
)

// installCommand says whether a RUN's shell command installs dependencies, and names the
// install as a learner would recognise it ("pip install", "npm ci", "go mod download"). It
// reads each command of a list (&&, ||, ;, |) and skips what only sets up the command:
// variable assignments, sudo, env, `python -m`.
func installCommand(cmd string) (string, bool) {
	for _, part := range splitCommands(cmd) {
		if name, ok := installWords(strings.Fields(part)); ok {
			return name, true
		}
	}
	return "", false
}

// splitCommands cuts a shell command line at its list and pipe operators. Quotes are not
// parsed: an operator inside a quoted string only makes an extra, harmless piece.
func splitCommands(cmd string) []string {
	return strings.FieldsFunc(strings.NewReplacer("&&", ";", "||", ";", "|", ";", "\n", ";").Replace(cmd),
		func(r rune) bool { return r == ';' })
}

// installWords recognises one command's words.
func installWords(w []string) (string, bool) {
	for len(w) > 0 && (strings.Contains(w[0], "=") && !strings.HasPrefix(w[0], "-") || w[0] == "sudo" || w[0] == "env" || w[0] == "exec") {
		w = w[1:]
	}
	if len(w) == 0 {
		return "", false
	}
	prog := path.Base(w[0])
	args := w[1:]
	// python -m pip install, python3.13 -m pip install
	if strings.HasPrefix(prog, "python") && len(args) >= 2 && args[0] == "-m" {
		prog, args = args[1], args[2:]
	}
	sub := firstArg(args)
	switch family := strings.TrimRight(prog, "0123456789."); family {
	case "pip":
		if sub == "install" {
			return "pip install", true
		}
	case "npm", "pnpm":
		if sub == "install" || sub == "i" || sub == "ci" {
			return family + " " + sub, true
		}
	case "yarn":
		if sub == "" || sub == "install" {
			return "yarn install", true
		}
	case "go":
		if sub == "mod" && len(args) > 1 && secondArg(args) == "download" {
			return "go mod download", true
		}
	case "bundle":
		if sub == "" || sub == "install" {
			return "bundle install", true
		}
	case "gem", "composer", "poetry", "pipenv":
		if sub == "install" || family == "pipenv" && sub == "sync" {
			return family + " " + sub, true
		}
	case "uv":
		if sub == "sync" || sub == "pip" && secondArg(args) == "install" {
			return "uv " + sub, true
		}
	case "cargo":
		if sub == "fetch" {
			return "cargo fetch", true
		}
	case "apt-get", "apt", "yum", "dnf", "microdnf":
		if sub == "install" {
			return family + " install", true
		}
	case "apk":
		if sub == "add" {
			return "apk add", true
		}
	case "mvn":
		for _, a := range args {
			if strings.HasPrefix(a, "dependency:") {
				return "mvn " + a, true
			}
		}
	}
	return "", false
}

// firstArg is the first argument that is not an option: the subcommand.
func firstArg(args []string) string {
	for _, a := range args {
		if !strings.HasPrefix(a, "-") {
			return a
		}
	}
	return ""
}

// secondArg is the argument after the subcommand that is not an option.
func secondArg(args []string) string {
	seen := false
	for _, a := range args {
		if strings.HasPrefix(a, "-") {
			continue
		}
		if seen {
			return a
		}
		seen = true
	}
	return ""
}

// jsonArray reads an exec-form instruction's ["a", "b"] argument list.
func jsonArray(s string) ([]string, bool) {
	if !strings.HasPrefix(s, "[") {
		return nil, false
	}
	var arr []string
	if err := json.Unmarshal([]byte(s), &arr); err != nil {
		return nil, false
	}
	return arr, true
}
