package ingest

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"
)

// InputFile is one file a Run would read.
type InputFile struct {
	Path string // path to open
	Key  string // cleaned, slash-separated: what the run stores as inputs.path
	Err  error  // the walk could not read it (the run records it as failed)
}

// InputFiles lists the files a Run with opts reads, in the order it reads them, under the keys
// it stores them by, with the manifest it uses ("" when none): the same walk and the same skips
// as Run (names starting with ".", devices and pipes, the manifest, the warehouse's own files).
// It lets a caller (xxgk run) tell whether a Run would find anything new without running it.
func InputFiles(opts Options) (files []InputFile, manifest string, err error) {
	if len(opts.Roots) == 0 {
		return nil, "", errors.New("ingest: no input paths")
	}
	man, err := findManifest(opts)
	if err != nil {
		return nil, "", err
	}
	skip := map[string]bool{}
	if man != nil {
		manifest = man.path
		skip[absClean(man.path)] = true
	}
	dbAbs := absClean(opts.DB)
	for _, root := range opts.Roots {
		err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			key := filepath.ToSlash(filepath.Clean(p))
			if err != nil {
				files = append(files, InputFile{Path: p, Key: key, Err: err})
				if d != nil && d.IsDir() && p != root {
					return fs.SkipDir
				}
				return nil
			}
			if p != root && strings.HasPrefix(d.Name(), ".") {
				if d.IsDir() {
					return fs.SkipDir
				}
				return nil
			}
			if d.IsDir() || (!d.Type().IsRegular() && d.Type()&fs.ModeSymlink == 0) {
				return nil
			}
			a := absClean(p)
			if skip[a] || a == dbAbs || strings.HasPrefix(a, dbAbs+".") {
				return nil
			}
			files = append(files, InputFile{Path: p, Key: key})
			return nil
		})
		if err != nil {
			return nil, "", fmt.Errorf("walk %s: %w", root, err)
		}
	}
	return files, manifest, nil
}
