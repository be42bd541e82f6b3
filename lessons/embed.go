// Package lessons embeds docktutor's curriculum: course.yaml lists the lessons in order, each
// lesson is a folder of text, Dockerfiles and questions, and apps/ holds the small apps the
// lessons build. internal/lesson loads and validates it.
package lessons

import "embed"

// FS is the built-in curriculum. The all: prefix keeps .dockerignore files, which the builds
// need.
//
//go:embed all:apps all:normal all:multistage all:distroless all:cache all:target all:workflow all:pitfalls all:qa course.yaml
var FS embed.FS
