package source

import (
	"context"
	"crypto/sha256"
	"errors"
	"io"
	"net"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"xxgk/pipeline"
)

// guard fails the test when f has not returned within a minute: the calls under test must
// never block (an assertion that they return, not a timing).
func guard[T any](t *testing.T, what string, f func() T) T {
	t.Helper()
	done := make(chan T, 1)
	go func() { done <- f() }()
	select {
	case v := <-done:
		return v
	case <-time.After(time.Minute):
		t.Fatalf("%s blocked", what)
	}
	panic("unreachable")
}

func mkfifo(t *testing.T, p string) {
	t.Helper()
	if err := syscall.Mkfifo(p, 0o644); err != nil {
		t.Fatal(err)
	}
}

func write(t *testing.T, p, s string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
}

func symlink(t *testing.T, target, p string) {
	t.Helper()
	if err := os.Symlink(target, p); err != nil {
		t.Fatal(err)
	}
}

// DeepFile creates dir/<name>/<name>/…/report.txt whose path is longer than PATH_MAX (4096),
// built with *at calls relative to each directory (an absolute path that long cannot be
// created, opened or listed), and returns the path of its first directory.
func deepFile(t *testing.T, dir string) string {
	t.Helper()
	fd, err := syscall.Open(dir, syscall.O_RDONLY|syscall.O_DIRECTORY, 0)
	if err != nil {
		t.Fatal(err)
	}
	name := strings.Repeat("深", 80) // 240 bytes
	p := dir
	for len(p) < 4400 {
		if err := syscall.Mkdirat(fd, name, 0o755); err != nil {
			t.Fatal(err)
		}
		nfd, err := syscall.Openat(fd, name, syscall.O_RDONLY|syscall.O_DIRECTORY, 0)
		syscall.Close(fd)
		if err != nil {
			t.Fatal(err)
		}
		fd = nfd
		p += "/" + name
	}
	ffd, err := syscall.Openat(fd, "report.txt", syscall.O_WRONLY|syscall.O_CREAT, 0o644)
	syscall.Close(fd)
	if err != nil {
		t.Fatal(err)
	}
	syscall.Close(ffd)
	return filepath.Join(dir, name)
}

// TestWalk: regular files (also through a link) are listed to be read; FIFOs, sockets,
// devices, links to them and to directories are listed with ErrNotRegular, dangling links and
// an overlong path with their error; hidden names and skipped paths are left out; the order is
// lexical. Nothing is opened, so nothing blocks.
func TestWalk(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "a.txt"), "a")
	write(t, filepath.Join(dir, "sub", "b.txt"), "b")
	write(t, filepath.Join(dir, ".hidden"), "h")
	write(t, filepath.Join(dir, ".git", "c.txt"), "c")
	write(t, filepath.Join(dir, "skip.me"), "s")
	mkfifo(t, filepath.Join(dir, "fifo"))
	symlink(t, filepath.Join(dir, "fifo"), filepath.Join(dir, "link-fifo"))
	symlink(t, "/dev/zero", filepath.Join(dir, "link-zero"))
	symlink(t, filepath.Join(dir, "sub"), filepath.Join(dir, "link-dir"))
	symlink(t, filepath.Join(dir, "a.txt"), filepath.Join(dir, "link-a"))
	symlink(t, filepath.Join(dir, "nowhere"), filepath.Join(dir, "link-dangling"))
	ln, err := net.Listen("unix", filepath.Join(dir, "sock"))
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	deep := deepFile(t, filepath.Join(dir))

	type entry struct {
		key  string
		kind string // "" readable, "notregular", "error"
	}
	var got []entry
	files := guard(t, "Walk", func() []File {
		var fs []File
		err := Walk([]string{dir}, func(p string) bool { return strings.HasSuffix(p, "skip.me") }, func(f File) error {
			fs = append(fs, f)
			return nil
		})
		if err != nil {
			t.Error(err)
		}
		return fs
	})
	for _, f := range files {
		e := entry{key: strings.TrimPrefix(f.Key, filepath.ToSlash(dir)+"/")}
		switch {
		case f.Err == nil:
		case errors.Is(f.Err, pipeline.ErrNotRegular):
			e.kind = "notregular"
		default:
			e.kind = "error"
		}
		if strings.HasPrefix(e.key, filepath.Base(deep)) {
			e.key = "deep…"
		}
		got = append(got, e)
	}
	want := []entry{
		{"a.txt", ""},
		{"fifo", "notregular"},
		{"link-a", ""},
		{"link-dangling", "error"},
		{"link-dir", "notregular"},
		{"link-fifo", "notregular"},
		{"link-zero", "notregular"},
		{"sock", "notregular"},
		{"sub/b.txt", ""},
		{"deep…", "error"}, // 深深…: the directory that cannot be listed, its path is too long
	}
	if len(got) != len(want) {
		t.Fatalf("walk:\n got %v\nwant %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("walk %d: got %v, want %v", i, got[i], want[i])
		}
	}
	if !sort.SliceIsSorted(files, func(i, j int) bool { return files[i].Path < files[j].Path }) {
		t.Error("not in lexical order")
	}
	for _, f := range files {
		if strings.HasSuffix(f.Key, "link-zero") {
			var ie *pipeline.InputError
			if !errors.As(f.Err, &ie) || !strings.Contains(ie.Detail, "字符设备") || !strings.Contains(ie.Detail, "/dev/zero") {
				t.Errorf("link to /dev/zero: %v", f.Err)
			}
		}
		if strings.HasSuffix(f.Key, "/fifo") && !strings.Contains(f.Err.Error(), "FIFO") {
			t.Errorf("fifo: %v", f.Err)
		}
		if strings.HasPrefix(strings.TrimPrefix(f.Key, filepath.ToSlash(dir)+"/"), filepath.Base(deep)) &&
			!errors.Is(f.Err, syscall.ENAMETOOLONG) {
			t.Errorf("deep path: %v, want ENAMETOOLONG", f.Err)
		}
	}
}

// TestWalkRoots: a root that is a file, a FIFO or a link to a directory.
func TestWalkRoots(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "d", "x.txt"), "x")
	symlink(t, filepath.Join(dir, "d"), filepath.Join(dir, "link"))
	mkfifo(t, filepath.Join(dir, "fifo"))
	var got []string
	err := Walk([]string{filepath.Join(dir, "d", "x.txt"), filepath.Join(dir, "link"), filepath.Join(dir, "fifo")}, nil,
		func(f File) error {
			s := strings.TrimPrefix(f.Key, filepath.ToSlash(dir)+"/")
			if f.Err != nil {
				s += " ✗"
			}
			got = append(got, s)
			return nil
		})
	if err != nil {
		t.Fatal(err)
	}
	if w := "d/x.txt link/x.txt fifo ✗"; strings.Join(got, " ") != w {
		t.Errorf("roots: %q, want %q", strings.Join(got, " "), w)
	}
}

// TestOpenNeverBlocks: a FIFO (no writer: a plain open would block for ever), a link to it, a
// link to /dev/zero and a directory are refused without blocking; a regular file and a link to
// one open.
func TestOpenNeverBlocks(t *testing.T) {
	dir := t.TempDir()
	mkfifo(t, filepath.Join(dir, "fifo"))
	symlink(t, filepath.Join(dir, "fifo"), filepath.Join(dir, "link-fifo"))
	symlink(t, "/dev/zero", filepath.Join(dir, "link-zero"))
	write(t, filepath.Join(dir, "ok.txt"), "好")
	symlink(t, filepath.Join(dir, "ok.txt"), filepath.Join(dir, "link-ok"))
	for _, name := range []string{"fifo", "link-fifo", "link-zero", "."} {
		err := guard(t, "Open "+name, func() error {
			f, _, err := Open(filepath.Join(dir, name))
			if f != nil {
				f.Close()
			}
			return err
		})
		if !errors.Is(err, pipeline.ErrNotRegular) {
			t.Errorf("%s: %v, want ErrNotRegular", name, err)
		}
		err = guard(t, "Read "+name, func() error {
			_, _, err := Read(context.Background(), filepath.Join(dir, name), Limits{MaxSize: 1 << 20})
			return err
		})
		if !errors.Is(err, pipeline.ErrNotRegular) {
			t.Errorf("Read %s: %v, want ErrNotRegular", name, err)
		}
		err = guard(t, "Hash "+name, func() error {
			_, _, _, err := Hash(context.Background(), filepath.Join(dir, name), Limits{})
			return err
		})
		if !errors.Is(err, pipeline.ErrNotRegular) {
			t.Errorf("Hash %s: %v, want ErrNotRegular", name, err)
		}
	}
	for _, name := range []string{"ok.txt", "link-ok"} {
		b, st, err := Read(context.Background(), filepath.Join(dir, name), Limits{MaxSize: 1 << 20})
		if err != nil || string(b) != "好" || st.Size() != 3 {
			t.Errorf("%s: %q %v", name, b, err)
		}
	}
}

// TestSizeCheckedBeforeReading: a 3 GB (sparse) file fails as too large with its size, without
// being read; a file at the limit is read; one byte over fails.
func TestSizeCheckedBeforeReading(t *testing.T) {
	dir := t.TempDir()
	big := filepath.Join(dir, "big.html")
	f, err := os.Create(big)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(3 << 30); err != nil {
		t.Fatal(err)
	}
	f.Close()
	b, st, err := Read(context.Background(), big, Limits{MaxSize: 64 << 20})
	var ie *pipeline.InputError
	if !errors.Is(err, pipeline.ErrTooLarge) || !errors.As(err, &ie) || b != nil || st == nil || st.Size() != 3<<30 {
		t.Fatalf("3 GB: %v, size %v", err, st)
	}
	if !strings.Contains(ie.Detail, "3221225472 字节") {
		t.Errorf("detail %q", ie.Detail)
	}
	if _, n, _, err := Hash(context.Background(), big, Limits{MaxSize: 64 << 20}); !errors.Is(err, pipeline.ErrTooLarge) || n != 3<<30 {
		t.Errorf("Hash 3 GB: %v %d", err, n)
	}
	at := filepath.Join(dir, "at")
	write(t, at, strings.Repeat("x", 100))
	if b, _, err := Read(context.Background(), at, Limits{MaxSize: 100}); err != nil || len(b) != 100 {
		t.Errorf("at the limit: %d bytes, %v", len(b), err)
	}
	if _, _, err := Read(context.Background(), at, Limits{MaxSize: 99}); !errors.Is(err, pipeline.ErrTooLarge) {
		t.Errorf("over the limit: %v", err)
	}
}

// TestReadAllCapsGrowth: a reader that yields more than its announced size (a file growing
// while read) is cut at max+1 bytes and fails as too large.
func TestReadAllCapsGrowth(t *testing.T) {
	r := &countingReader{}
	_, err := readAll(r, "grow", 10, 1000)
	if !errors.Is(err, pipeline.ErrTooLarge) {
		t.Fatalf("%v", err)
	}
	if r.n > 1001 {
		t.Errorf("read %d bytes, want at most 1001", r.n)
	}
}

type countingReader struct{ n int }

func (c *countingReader) Read(p []byte) (int, error) {
	c.n += len(p)
	return len(p), nil
}

// TestHash: the SHA-256 and size of the bytes, the same as Read's.
func TestHash(t *testing.T) {
	p := filepath.Join(t.TempDir(), "r.txt")
	content := strings.Repeat("朝阳县政府信息公开\n", 5000)
	write(t, p, content)
	sum, n, st, err := Hash(context.Background(), p, Limits{MaxSize: 1 << 20})
	if err != nil || sum != sha256.Sum256([]byte(content)) || n != int64(len(content)) || st.Size() != n {
		t.Errorf("hash: %x %d %v", sum, n, err)
	}
}

// TestReadDeadline: a read that never returns (a pipe nobody writes to, standing in for a dead
// network mount) is abandoned at the deadline with ErrReadTimeout, and at once when the
// context is cancelled; the abandoned read exits when its source finally closes.
func TestReadDeadline(t *testing.T) {
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer pw.Close()
	err = guard(t, "readWithin", func() error {
		_, err := readWithin(context.Background(), "stuck", 50*time.Millisecond, pr, func(r io.Reader) ([]byte, error) {
			return io.ReadAll(r)
		})
		return err
	})
	if !errors.Is(err, pipeline.ErrReadTimeout) {
		t.Errorf("deadline: %v, want ErrReadTimeout", err)
	}

	pr2, pw2, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		time.Sleep(50 * time.Millisecond)
		cancel()
	}()
	err = guard(t, "readWithin", func() error {
		_, err := readWithin(ctx, "stuck", time.Hour, pr2, func(r io.Reader) ([]byte, error) { return io.ReadAll(r) })
		return err
	})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("cancel: %v, want context.Canceled", err)
	}
	pw2.Close() // the abandoned read returns and closes its end
}
