// Package lessons embeds docktutor's curriculum: course.yaml lists the lessons in order, each
// lesson is a folder of text, Dockerfiles and questions, and apps/ holds the small apps the
// lessons build. internal/lesson loads and validates it; README.md describes the format.
package lessons

import "embed"

// FS is the built-in curriculum: everything in this folder, so that a new lesson folder needs
// only its line in course.yaml, no Go.
//
// The all: prefix keeps the names that start with "." or "_", which a plain pattern drops: the
// apps' .dockerignore files, which the builds need, and any __init__.py or _test file an app
// may hold. It also keeps an editor's swap file if one is lying here when the binary is
// built; the build contexts leave those out (internal/lesson's leftover), and the loader reads
// only the files course.yaml and the lesson files name. This file and README.md come along
// too: a few kilobytes, never read.
//
//go:embed all:*
var FS embed.FS
