//go:build tools

// Package main's tools.go pins the code generator's version in go.mod so that
// `go run github.com/99designs/gqlgen generate` is reproducible.
package main

import (
	_ "github.com/99designs/gqlgen"
)
