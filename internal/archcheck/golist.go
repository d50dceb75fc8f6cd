package archcheck

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"path/filepath"
	"strings"
)

// listedPackage holds the fields of `go list -json` that Check needs.
type listedPackage struct {
	ImportPath string
	Name       string
	Dir        string
	GoFiles    []string
	CgoFiles   []string
	Imports    []string          // resolved import paths, sorted
	ImportMap  map[string]string // source import path -> resolved, when they differ
	Deps       []string          // every transitive dependency, sorted
	DepOnly    bool              // listed only as a dependency of a target
	Error      *struct{ Err string }
}

// graph is every package go list reported, targets and dependencies alike,
// by import path.
type graph map[string]*listedPackage

// listFields are the fields requested from go list; naming them keeps go
// list from computing the rest (staleness, embed patterns, ...).
const listFields = "ImportPath,Name,Dir,GoFiles,CgoFiles,Imports,ImportMap,Deps,DepOnly,Error"

// goList runs `go <args>` in moduleDir, whose -json output is a stream of
// objects, and hands each, decoded into a new T, to each, stopping at its
// first error.
func goList[T any](ctx context.Context, moduleDir string, args []string, each func(*T) error) error {
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = moduleDir
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("archcheck: go %s: %v\n%s", strings.Join(args, " "), err, stderr.Bytes())
	}
	dec := json.NewDecoder(&stdout)
	for {
		p := new(T)
		err := dec.Decode(p)
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("archcheck: decoding go list output: %w", err)
		}
		if err := each(p); err != nil {
			return err
		}
	}
}

// load runs go list on pkgDirs and their dependencies. -e keeps go list
// going past broken packages so that the error names the package; -deps
// brings the import graph that explains each transitive dependency.
func load(ctx context.Context, moduleDir string, pkgDirs []string) (graph, []*listedPackage, error) {
	args := []string{"list", "-e", "-deps", "-json=" + listFields, "--"}
	for _, d := range pkgDirs {
		args = append(args, listArg(d))
	}
	g := graph{}
	var targets []*listedPackage
	err := goList(ctx, moduleDir, args, func(p *listedPackage) error {
		g[p.ImportPath] = p
		if p.DepOnly {
			return nil
		}
		if p.Error != nil {
			return fmt.Errorf("archcheck: package %s: %s", p.ImportPath, p.Error.Err)
		}
		targets = append(targets, p)
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	if len(targets) != len(pkgDirs) {
		return nil, nil, fmt.Errorf("archcheck: go list reported %d packages for %d directories %q", len(targets), len(pkgDirs), pkgDirs)
	}
	return g, targets, nil
}

// listArg turns a directory into an argument go list reads as a directory,
// not as an import path: relative paths need a leading "./".
func listArg(dir string) string {
	if filepath.IsAbs(dir) {
		return dir
	}
	dir = filepath.ToSlash(filepath.Clean(dir))
	if dir == "." || strings.HasPrefix(dir, "../") {
		return dir
	}
	return "./" + dir
}

// resolve maps an import path as written in p's source to the path go list
// resolved it to (they differ under vendoring).
func (p *listedPackage) resolve(path string) string {
	if r, ok := p.ImportMap[path]; ok {
		return r
	}
	return path
}

// pathTo returns the shortest import chain from "from" to a package that
// matches pattern, as import paths starting with from, or nil if there is
// none. Imports are sorted by go list and visited in order, so the chain is
// the same on every run.
func (g graph) pathTo(from, pattern string) []string {
	prev := map[string]string{from: ""}
	queue := []string{from}
	for len(queue) > 0 {
		cur := queue[0]
		queue = queue[1:]
		if match(pattern, cur) {
			var chain []string
			for n := cur; n != ""; n = prev[n] {
				chain = append(chain, n)
			}
			for i, j := 0, len(chain)-1; i < j; i, j = i+1, j-1 {
				chain[i], chain[j] = chain[j], chain[i]
			}
			return chain
		}
		p, ok := g[cur]
		if !ok {
			continue
		}
		for _, imp := range p.Imports {
			if _, seen := prev[imp]; !seen {
				prev[imp] = cur
				queue = append(queue, imp)
			}
		}
	}
	return nil
}
