package serve

import (
	"container/list"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"xxgk/pipeline"
	"xxgk/pipeline/decode"
	"xxgk/pipeline/source"
)

// The warehouse keeps, for every cell, the line, page and text it was read from, not the
// document. To show a cell in its context, the server reads the file at the path the
// warehouse recorded for the report, and shows it only when the bytes are still those the
// warehouse read (the same SHA-256); it decodes them as the ingest did (decode.Decode: the
// same lines the cells' line numbers refer to). Otherwise the panel says that the file
// changed or is gone and shows the text the warehouse stored for the cells of that line.
//
// No request names a file: the path comes from main.reports for a report id, and relative
// paths are read under Options.Sources (default: the working directory, where the ingest ran).
// Only regular files are opened (source.Open: no FIFO, device or link to one), within the
// ingest's size limit and a read time limit.

// sourceState says what became of reading a report's file.
type sourceState string

const (
	sourceOK       sourceState = "ok"      // read, same SHA-256 as the warehouse's
	sourceChanged  sourceState = "changed" // read, but the bytes differ
	sourceGone     sourceState = "gone"    // no such file (or not a regular file)
	sourceUnread   sourceState = "unread"  // present but could not be read or decoded
	sourceTooLarge sourceState = "too_large"
)

// sourceDoc is the decoded text of a report's file.
type sourceDoc struct {
	State  sourceState
	Reason string   // why not ok
	Path   string   // the path read
	Lines  []string // the decoded text's lines (State ok)
	Kind   string   // text, html, pdf, docx

	size int64
	mod  time.Time
}

// sourceCache keeps the last decoded documents, by SHA-256.
type sourceCache struct {
	root string
	max  int

	mu    sync.Mutex
	order *list.List               // of string (sha)
	docs  map[string]*list.Element // sha → element holding *cachedDoc
}

type cachedDoc struct {
	sha string
	doc *sourceDoc
}

func newSourceCache(root string, max int) *sourceCache {
	return &sourceCache{root: root, max: max, order: list.New(), docs: map[string]*list.Element{}}
}

// maxSourceBytes is the ingest's input limit.
const maxSourceBytes = 64 << 20

// read returns the decoded document of the file the warehouse recorded (path, sha256), or why
// it cannot be shown. Only verified documents are cached.
func (c *sourceCache) read(ctx context.Context, path, sha string) *sourceDoc {
	c.mu.Lock()
	if e, ok := c.docs[sha]; ok {
		c.order.MoveToFront(e)
		d := e.Value.(*cachedDoc).doc
		c.mu.Unlock()
		// the cache holds what was verified; the file may have changed since
		if present(c.resolve(path), d) {
			return d
		}
		c.mu.Lock()
		c.order.Remove(e)
		delete(c.docs, sha)
	}
	c.mu.Unlock()
	d := c.load(ctx, path, sha)
	if d.State == sourceOK {
		c.mu.Lock()
		c.docs[sha] = c.order.PushFront(&cachedDoc{sha: sha, doc: d})
		for c.order.Len() > c.max {
			last := c.order.Back()
			c.order.Remove(last)
			delete(c.docs, last.Value.(*cachedDoc).sha)
		}
		c.mu.Unlock()
	}
	return d
}

// present is a cheap check that a cached document's file is still a regular file of the same
// size and time as when its hash was checked.
func present(path string, d *sourceDoc) bool {
	st, err := os.Stat(path)
	return err == nil && st.Mode().IsRegular() && st.Size() == d.size && st.ModTime().Equal(d.mod)
}

func (c *sourceCache) resolve(path string) string {
	p := filepath.FromSlash(path)
	if filepath.IsAbs(p) || c.root == "" {
		return p
	}
	return filepath.Join(c.root, p)
}

func (c *sourceCache) load(ctx context.Context, path, sha string) *sourceDoc {
	p := c.resolve(path)
	d := &sourceDoc{Path: p}
	b, st, err := source.Read(ctx, p, source.Limits{MaxSize: maxSourceBytes, Timeout: 20 * time.Second})
	switch {
	case errors.Is(err, fs.ErrNotExist):
		d.State, d.Reason = sourceGone, "文件已不在原路径 / the file is no longer at its path"
		return d
	case errors.Is(err, pipeline.ErrNotRegular):
		d.State, d.Reason = sourceUnread, "原路径上已不是普通文件，不读取 / the path no longer holds a regular file: not read"
		return d
	case errors.Is(err, pipeline.ErrTooLarge):
		d.State, d.Reason = sourceTooLarge, err.Error()
		return d
	case err != nil:
		d.State, d.Reason = sourceUnread, "无法读取 / cannot be read: "+err.Error()
		return d
	}
	sum := sha256.Sum256(b)
	if hex.EncodeToString(sum[:]) != strings.ToLower(sha) {
		d.State, d.Reason = sourceChanged, "文件内容已改变（SHA-256 与仓库记录不同）/ the file changed since it was read (its SHA-256 differs from the warehouse's)"
		return d
	}
	doc, err := decode.Decode(p, b)
	if err != nil {
		d.State, d.Reason = sourceUnread, "无法解码 / cannot be decoded: "+err.Error()
		return d
	}
	d.State, d.Kind, d.size, d.mod = sourceOK, doc.Kind, st.Size(), st.ModTime()
	d.Lines = strings.Split(doc.Text, "\n")
	return d
}
