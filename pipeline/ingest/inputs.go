package ingest

import (
	"errors"
	"strings"

	"xxgk/pipeline"
	"xxgk/pipeline/source"
)

// DefaultMaxFileSize is the size above which an input fails with pipeline.ErrTooLarge when
// Options.MaxFileSize is 0 (checked before reading).
const DefaultMaxFileSize = 64 << 20

// InputFile is one file a Run would read.
type InputFile struct {
	Path string // path to open
	Key  string // cleaned, slash-separated: what the run stores as inputs.path
	Err  error  // not to be opened: unlistable or not a regular file (the run records it as failed)
}

// InputFiles lists the files a Run with opts reads, in the order it reads them, under the keys
// it stores them by, with the manifest it uses ("" when none): the same walk and the same skips
// as Run (package source; names starting with ".", the manifest, the warehouse's own files),
// and the same refusals (FIFOs, sockets, devices, links to them, with Err set). It lets a
// caller (xxgk run) tell whether a Run would find anything new without running it.
func InputFiles(opts Options) (files []InputFile, manifest string, err error) {
	if len(opts.Roots) == 0 {
		return nil, "", errors.New("ingest: no input paths")
	}
	man, err := findManifest(opts)
	if err != nil {
		return nil, "", err
	}
	if man != nil {
		manifest = man.path
	}
	err = source.Walk(opts.Roots, skipper(opts, man), func(f source.File) error {
		files = append(files, InputFile{Path: f.Path, Key: f.Key, Err: f.Err})
		return nil
	})
	if err != nil {
		return nil, "", err
	}
	return files, manifest, nil
}

// Limits are the bounds every input of a Run with opts is read within (also by xxgk run's scan).
func Limits(opts Options) source.Limits {
	l := source.Limits{MaxSize: opts.MaxFileSize, Timeout: opts.ReadTimeout}
	if l.MaxSize <= 0 {
		l.MaxSize = DefaultMaxFileSize
	}
	return l
}

// skipper returns the paths a run does not read: the manifest and the warehouse's own files
// (the published file, its lock, WAL and working copies).
func skipper(opts Options, man *manifest) func(string) bool {
	skip := map[string]bool{}
	if man != nil {
		skip[absClean(man.path)] = true
	}
	dbAbs := absClean(opts.DB)
	return func(p string) bool {
		a := absClean(p)
		return skip[a] || a == dbAbs || strings.HasPrefix(a, dbAbs+".")
	}
}

// readFailure is how an input that could not be read is recorded: the reason of a
// *pipeline.InputError (not a regular file, too large, read timeout) with its detail, else
// "unreadable" with the system's error (a permission, a dangling link, a path too long).
func readFailure(err error) *failure {
	var ie *pipeline.InputError
	if errors.As(err, &ie) {
		return &failure{reason: ie.Reason.Error(), detail: ie.Detail}
	}
	return &failure{reason: "无法读取文件（unreadable）", detail: err.Error()}
}
