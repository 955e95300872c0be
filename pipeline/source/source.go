// Package source finds and opens the input files of a batch — for xxgk ingest, the scan of
// xxgk run and xxgk parse alike, so every command walks, skips, opens and records the same way.
//
// Only regular files are read. A FIFO, a socket or a device — named directly or reached through
// a symbolic link — and a link to a directory are reported (pipeline.ErrNotRegular) before
// anything opens them: a FIFO's open blocks until a writer comes, and /dev/zero never ends.
// The open itself is non-blocking (O_NONBLOCK), does not follow a final symbolic link it did
// not check (O_NOFOLLOW), and the descriptor is checked again with fstat, so a file swapped for
// a FIFO between the check and the open is caught without hanging (no TOCTOU window).
//
// Reads are bounded: in size, checked on the descriptor before a byte is read (a 3 GB file is
// never loaded), and again while reading (a file that grows); and in time, a deadline for the
// whole read (a read stuck in the kernel on a dead network mount is abandoned to its goroutine
// and the file reported with pipeline.ErrReadTimeout); a cancelled context returns at once.
package source

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"xxgk/pipeline"
)

// DefaultTimeout is the read deadline when Limits.Timeout is 0: generous for a 64 MiB file on a
// slow disk, short against a read that never returns.
const DefaultTimeout = time.Minute

// File is one input a walk found.
type File struct {
	Path string // the path to open, as found under its root
	Key  string // cleaned and slash-separated: what the warehouse stores as the input's path
	// Err is set when the file must not be opened: it could not be listed (a permission, a path
	// longer than PATH_MAX), or it is not a regular file (*pipeline.InputError, ErrNotRegular).
	// It is recorded as a failed input with its reason; the walk goes on.
	Err error
}

// Walk calls fn for every input file under roots: each root that is a file, and every file
// under each root that is a directory (a symbolic link to a directory is followed for a root,
// not below it), in lexical order per root. Names starting with "." below a root are skipped,
// directories with their contents; so is every path for which skip (when not nil) returns
// true. Files that cannot be listed or are not regular are passed with Err set, never opened.
// An error returned by fn stops the walk and is returned.
func Walk(roots []string, skip func(path string) bool, fn func(File) error) error {
	for _, root := range roots {
		start := root
		if lst, err := os.Lstat(root); err == nil && lst.Mode()&fs.ModeSymlink != 0 {
			if st, err := os.Stat(root); err == nil && st.IsDir() {
				start = root + string(filepath.Separator) // the trailing slash resolves the link
			}
		}
		err := filepath.WalkDir(start, func(p string, d fs.DirEntry, err error) error {
			if p == start {
				p = root
			}
			key := filepath.ToSlash(filepath.Clean(p))
			if err != nil {
				// unreadable directory or file: recorded, the walk goes on
				if ferr := fn(File{Path: p, Key: key, Err: err}); ferr != nil {
					return ferr
				}
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
			if d.IsDir() {
				return nil
			}
			if skip != nil && skip(p) {
				return nil
			}
			return fn(File{Path: p, Key: key, Err: classify(p, d.Type())})
		})
		if err != nil {
			return fmt.Errorf("walk %s: %w", root, err)
		}
	}
	return nil
}

// classify returns nil for a regular file (or a link to one), else why it is not read.
func classify(p string, typ fs.FileMode) error {
	if typ.IsRegular() {
		return nil
	}
	if typ&fs.ModeSymlink == 0 {
		return notRegular(p, typ, false)
	}
	st, err := os.Stat(p) // follows the link; never opens the target
	if err != nil {
		return err // dangling, a loop, a permission: unreadable
	}
	if st.Mode().IsRegular() {
		return nil
	}
	return notRegular(p, st.Mode(), true)
}

func notRegular(p string, mode fs.FileMode, viaLink bool) error {
	d := Kind(mode)
	if viaLink {
		d = "符号链接指向" + d
		if t, err := os.Readlink(p); err == nil {
			d += "：" + t
		}
	}
	return &pipeline.InputError{Path: p, Reason: pipeline.ErrNotRegular, Detail: d}
}

// Kind names a file type for the office.
func Kind(mode fs.FileMode) string {
	switch {
	case mode.IsRegular():
		return "普通文件（regular file）"
	case mode.IsDir():
		return "目录（directory）"
	case mode&fs.ModeNamedPipe != 0:
		return "命名管道（FIFO）"
	case mode&fs.ModeSocket != 0:
		return "套接字（socket）"
	case mode&fs.ModeCharDevice != 0:
		return "字符设备（character device）"
	case mode&fs.ModeDevice != 0:
		return "块设备（block device）"
	case mode&fs.ModeSymlink != 0:
		return "符号链接（symbolic link）"
	}
	return "非常规文件（irregular file）"
}

// Open opens the regular file at path for reading, or fails without blocking: a path that is
// not a regular file (also through a symbolic link) gives a *pipeline.InputError with
// ErrNotRegular before any open. The returned FileInfo is the descriptor's (fstat); it is also
// returned, when known, with an error.
func Open(path string) (*os.File, fs.FileInfo, error) {
	lst, err := os.Lstat(path)
	if err != nil {
		return nil, nil, err
	}
	st, link := lst, lst.Mode()&fs.ModeSymlink != 0
	if link {
		if st, err = os.Stat(path); err != nil {
			return nil, nil, err
		}
	}
	if !st.Mode().IsRegular() {
		return nil, st, notRegular(path, st.Mode(), link)
	}
	flags := os.O_RDONLY | syscall.O_NONBLOCK | syscall.O_NOCTTY | syscall.O_CLOEXEC
	if !link {
		flags |= syscall.O_NOFOLLOW // swapped for a link since the Lstat: ELOOP, not followed
	}
	f, err := os.OpenFile(path, flags, 0)
	if err != nil {
		return nil, st, err
	}
	fst, err := f.Stat()
	if err != nil {
		return nil, st, errors.Join(err, f.Close())
	}
	if !fst.Mode().IsRegular() {
		// swapped between the check and the open: never read it
		err := &pipeline.InputError{Path: path, Reason: pipeline.ErrNotRegular, Detail: Kind(fst.Mode()) + "（打开时被替换 / replaced while opening）"}
		return nil, fst, errors.Join(err, f.Close())
	}
	return f, fst, nil
}

// Limits bound a read.
type Limits struct {
	// MaxSize: a larger file fails with pipeline.ErrTooLarge, checked before reading (0: none).
	MaxSize int64
	// Timeout is the deadline of the whole read (0: DefaultTimeout).
	Timeout time.Duration
}

func (l Limits) timeout() time.Duration {
	if l.Timeout > 0 {
		return l.Timeout
	}
	return DefaultTimeout
}

// TooLarge is the error of a file over the size limit.
func TooLarge(path string, size, max int64) error {
	return &pipeline.InputError{Path: path, Reason: pipeline.ErrTooLarge, Detail: fmt.Sprintf("%d 字节，上限 %d", size, max)}
}

// Read returns the bytes of the regular file at path within lim. The FileInfo (size and
// modification time of the descriptor read) is returned whenever the file could be examined,
// also with an error (a file too large still has its size). Errors: those of Open, ErrTooLarge
// and ErrReadTimeout as *pipeline.InputError, ctx.Err(), or the read's own.
func Read(ctx context.Context, path string, lim Limits) ([]byte, fs.FileInfo, error) {
	f, st, err := Open(path)
	if err != nil {
		return nil, st, err
	}
	if lim.MaxSize > 0 && st.Size() > lim.MaxSize {
		return nil, st, errors.Join(TooLarge(path, st.Size(), lim.MaxSize), f.Close())
	}
	b, err := readWithin(ctx, path, lim.timeout(), f, func(r io.Reader) ([]byte, error) {
		return readAll(r, path, st.Size(), lim.MaxSize)
	})
	return b, st, err
}

// Hash returns the SHA-256 and the size of the regular file at path within lim, reading it as
// Read does (same checks, same limits) without keeping its bytes.
func Hash(ctx context.Context, path string, lim Limits) (sum [32]byte, size int64, _ fs.FileInfo, _ error) {
	f, st, err := Open(path)
	if err != nil {
		return sum, 0, st, err
	}
	if lim.MaxSize > 0 && st.Size() > lim.MaxSize {
		return sum, st.Size(), st, errors.Join(TooLarge(path, st.Size(), lim.MaxSize), f.Close())
	}
	_, err = readWithin(ctx, path, lim.timeout(), f, func(r io.Reader) ([]byte, error) {
		h := sha256.New()
		var src io.Reader = r
		if lim.MaxSize > 0 {
			src = io.LimitReader(r, lim.MaxSize+1)
		}
		n, err := io.Copy(h, src)
		size = n
		if err != nil {
			return nil, err
		}
		if lim.MaxSize > 0 && n > lim.MaxSize {
			return nil, TooLarge(path, n, lim.MaxSize) // it grew while read
		}
		h.Sum(sum[:0])
		return nil, nil
	})
	return sum, size, st, err
}

// readWithin runs read on rc on its own goroutine, which closes rc when read returns, and
// waits for it at most timeout, or until ctx is done. A read that does not return in time is
// abandoned to its goroutine (a read stuck in the kernel cannot be interrupted): the caller
// gets ErrReadTimeout (or ctx.Err()) at once, and the batch goes on.
func readWithin(ctx context.Context, path string, timeout time.Duration, rc io.ReadCloser, read func(io.Reader) ([]byte, error)) ([]byte, error) {
	type result struct {
		b   []byte
		err error
	}
	done := make(chan result, 1) // buffered: an abandoned read still finishes and exits
	go func() {
		b, err := read(rc)
		done <- result{b, errors.Join(err, rc.Close())}
	}()
	t := time.NewTimer(timeout)
	defer t.Stop()
	select {
	case r := <-done:
		if r.err != nil {
			return nil, r.err
		}
		return r.b, nil
	case <-t.C:
		return nil, &pipeline.InputError{Path: path, Reason: pipeline.ErrReadTimeout, Detail: fmt.Sprintf("%s 内未读完，已放弃", timeout)}
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// readAll reads r to its end: size is the expected size (fstat), max the limit (0: none); it
// never reads more than max+1 bytes (a file that grows while read fails as too large).
func readAll(r io.Reader, path string, size, max int64) ([]byte, error) {
	if max > 0 && size > max {
		size = max
	}
	b := make([]byte, 0, size+1)
	for {
		if max > 0 && int64(len(b)) > max {
			return nil, TooLarge(path, int64(len(b)), max)
		}
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
		end := cap(b)
		if max > 0 && int64(end) > max+1 {
			end = int(max + 1)
		}
		n, err := r.Read(b[len(b):end])
		b = b[:len(b)+n]
		if err == io.EOF {
			if max > 0 && int64(len(b)) > max {
				return nil, TooLarge(path, int64(len(b)), max)
			}
			return b, nil
		}
		if err != nil {
			return nil, err
		}
	}
}
