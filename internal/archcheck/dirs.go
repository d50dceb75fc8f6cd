package archcheck

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// PackageDirs returns those of dirs (relative to moduleDir) that exist and
// hold at least one non-test Go file, in the order given. It lets a caller
// name packages that do not exist yet, so that each is checked from the
// moment it appears, without tripping over a directory that so far holds
// only subpackages.
func PackageDirs(moduleDir string, dirs ...string) ([]string, error) {
	var out []string
	for _, d := range dirs {
		entries, err := os.ReadDir(filepath.Join(moduleDir, d))
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, err
		}
		for _, e := range entries {
			n := e.Name()
			// The go command ignores files starting with "_" or ".".
			goFile := strings.HasSuffix(n, ".go") && !strings.HasSuffix(n, "_test.go") &&
				!strings.HasPrefix(n, "_") && !strings.HasPrefix(n, ".")
			if e.Type().IsRegular() && goFile {
				out = append(out, d)
				break
			}
		}
	}
	return out, nil
}
