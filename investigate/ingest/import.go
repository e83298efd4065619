package ingest

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/minertriage/minertriage/investigate/alert"
	"github.com/minertriage/minertriage/investigate/flow"
)

// Options control one import.
type Options struct {
	// All keeps threat logs that are not coin-miner alerts (counted and
	// skipped otherwise).
	All bool
	// Progress, when set, is called now and then with bytes read and the
	// file's size, so callers can draw a bar.
	Progress func(read, total int64)
}

// RecordError is a bad record: the file, the line (or frame, for
// captures) and what is wrong. Its text is "FILE:LINE: what".
type RecordError struct {
	File string
	Line int // 1-based line; 0 when the error is about the file as a whole
	Err  error
}

// Error formats the error as "FILE:LINE: what" ("FILE: what" without a
// line), the one-line form the command line prints.
func (e *RecordError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %v", e.File, e.Line, e.Err)
	}
	return fmt.Sprintf("%s: %v", e.File, e.Err)
}

// Unwrap gives errors.Is/As the cause (ErrUnknownFormat, a parse error …).
func (e *RecordError) Unwrap() error { return e.Err }

// ImportFile detects path's format by content and streams its records into
// sink in one transaction: all or nothing. A bad record aborts the file with
// an error naming the file and line (or frame); nothing of it is stored.
//
// The file is read twice, both times streaming: a first pass hashes it
// (sha256 of the raw, possibly compressed, bytes) and keeps its first
// 64 KiB for detection, because the store's duplicate check needs the hash
// before BeginImport; the second pass parses. Memory stays bounded for any
// file size. The second pass hashes again and the import is refused if the
// file changed in between, so the stored hash always describes what was
// parsed.
func ImportFile(ctx context.Context, path string, sink Sink, opts Options) (Summary, error) {
	sum := Summary{File: path}
	f, err := os.Open(path)
	if err != nil {
		return sum, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return sum, err
	}
	if st.IsDir() {
		return sum, &RecordError{File: path, Err: errors.New("is a directory, not an evidence file")}
	}
	started := time.Now()
	digest, head, err := hashAndHead(ctx, f)
	if err != nil {
		if ctx.Err() != nil {
			return sum, ctx.Err()
		}
		return sum, &RecordError{File: path, Err: err}
	}
	format, gz, err := Detect(head)
	if err != nil {
		return sum, &RecordError{File: path, Err: err}
	}
	sum.SHA256, sum.Format = digest, format
	abs, err := filepath.Abs(path)
	if err != nil {
		abs = path
	}
	meta := FileMeta{Name: filepath.Base(path), Path: abs, SHA256: digest, Size: st.Size(), Format: format, Time: started}
	tx, err := sink.BeginImport(meta)
	if errors.Is(err, ErrDuplicateFile) {
		return sum, err
	}
	if err != nil {
		return sum, &RecordError{File: path, Err: err}
	}
	if err := parseFile(ctx, f, path, meta, gz, tx, opts, &sum); err != nil {
		_ = tx.Rollback()
		// Nothing of the file was kept, whatever had been put so far.
		sum.Stored, sum.Duplicates, sum.Alerts, sum.Flows, sum.Captures = 0, 0, 0, 0, 0
		if ctx.Err() != nil {
			return sum, ctx.Err()
		}
		sum.Errors++
		return sum, err
	}
	if err := tx.Commit(sum); err != nil {
		return sum, &RecordError{File: path, Err: fmt.Errorf("storing the import: %w", err)}
	}
	return sum, nil
}

// headSize is how much of a file detection looks at.
const headSize = 64 << 10

// hashAndHead is the first pass: sha256 of the whole file and its head.
func hashAndHead(ctx context.Context, f *os.File) (string, []byte, error) {
	h := sha256.New()
	head := make([]byte, 0, headSize)
	buf := make([]byte, 256<<10)
	for {
		if err := ctx.Err(); err != nil {
			return "", nil, err
		}
		n, err := f.Read(buf)
		if n > 0 {
			h.Write(buf[:n])
			if room := headSize - len(head); room > 0 {
				head = append(head, buf[:min(n, room)]...)
			}
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return "", nil, err
		}
	}
	return hex.EncodeToString(h.Sum(nil)), head, nil
}

// parseFile is the second pass: it streams the file into tx.
func parseFile(ctx context.Context, f *os.File, path string, meta FileMeta, gz bool,
	tx Tx, opts Options, sum *Summary) error {
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return &RecordError{File: path, Err: err}
	}
	h := sha256.New()
	pr := &progressReader{r: io.TeeReader(f, h), total: meta.Size, fn: opts.Progress}
	var err error
	switch meta.Format {
	case FormatPcap, FormatPcapng:
		err = importCapture(ctx, pr, gz, path, meta, tx, sum)
	default:
		err = importLog(ctx, pr, gz, path, meta.Format, tx, opts, sum)
	}
	if err != nil {
		return err
	}
	return finishPass(pr, h, path, meta.SHA256)
}

// finishPass drains what the parser left (a gzip trailer, a capture's
// tail) so the hash covers the whole file, and checks that the file did
// not change since the first pass.
func finishPass(pr *progressReader, h hash.Hash, path, want string) error {
	if _, err := io.Copy(io.Discard, pr); err != nil {
		return &RecordError{File: path, Err: err}
	}
	pr.done()
	if got := hex.EncodeToString(h.Sum(nil)); got != want {
		return &RecordError{File: path, Err: errors.New("the file changed while it was being imported; import it again")}
	}
	return nil
}

// openLayer returns r, or a gzip reader over it.
func openLayer(r io.Reader, gz bool) (io.Reader, error) {
	if !gz {
		return r, nil
	}
	return gzip.NewReader(r)
}

// importLog parses a text log line by line into tx.
func importLog(ctx context.Context, r io.Reader, gz bool, path string, format Format,
	tx Tx, opts Options, sum *Summary) error {
	in, err := openLayer(r, gz)
	if err != nil {
		return &RecordError{File: path, Err: fmt.Errorf("gzip: %w", err)}
	}
	e := &emitter{tx: tx, all: opts.All, sum: sum}
	p := newParser(format, path, e)
	if p == nil {
		return &RecordError{File: path, Err: fmt.Errorf("no parser for format %s", format)}
	}
	return runLines(ctx, in, p, path)
}

// lineParser parses one log format, one line at a time.
type lineParser interface {
	// line parses line number no; b is only valid during the call.
	line(b []byte, no int) error
	// finish is called at the end of the input.
	finish() error
}

// out receives what a parser found.
type out interface {
	alert(a *alert.Alert) error
	flow(f *flow.Flow) error
	skip() // a record read but not kept (another log type, event type …)
}

// runLines feeds every line of r to p and turns a parser's complaint into
// "FILE:LINE: what".
func runLines(ctx context.Context, r io.Reader, p lineParser, path string) error {
	lr := newLineReader(r)
	for {
		if lr.n&1023 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		b, err := lr.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return &RecordError{File: path, Line: lr.n, Err: err}
		}
		if err := p.line(b, lr.n); err != nil {
			if errors.Is(err, errStop) {
				break
			}
			return &RecordError{File: path, Line: lr.n, Err: err}
		}
	}
	if err := p.finish(); err != nil {
		return &RecordError{File: path, Err: err}
	}
	return nil
}

// errStop tells runLines that the records are over (nfdump's Summary
// block): the rest of the file is not records and is not an error.
var errStop = errors.New("end of records")

// emitter stores records in the transaction and keeps the counts.
type emitter struct {
	tx  Tx
	all bool
	sum *Summary
}

func (e *emitter) alert(a *alert.Alert) error {
	e.sum.Read++
	if !e.all && !alert.IsCoinMiner(a) {
		e.sum.Skipped++
		return nil
	}
	stored, err := e.tx.PutAlert(a)
	if err != nil {
		return fmt.Errorf("storing alert: %w", err)
	}
	if stored {
		e.sum.Stored++
		e.sum.Alerts++
	} else {
		e.sum.Duplicates++
	}
	return nil
}

func (e *emitter) flow(f *flow.Flow) error {
	e.sum.Read++
	stored, err := e.tx.PutFlow(f)
	if err != nil {
		return fmt.Errorf("storing flow: %w", err)
	}
	if stored {
		e.sum.Stored++
		e.sum.Flows++
	} else {
		e.sum.Duplicates++
	}
	return nil
}

func (e *emitter) skip() {
	e.sum.Read++
	e.sum.Skipped++
}

// newParser returns the line parser for a text format.
func newParser(format Format, file string, o out) lineParser {
	switch format {
	case FormatPANOSSyslog:
		return newPANSyslogParser(file, o)
	case FormatPANOSThreatCSV, FormatPANOSTrafficCSV:
		return newPANExportParser(file, format, o)
	case FormatSuricataEVE:
		return newEVEParser(file, o)
	case FormatZeekConnTSV:
		return newZeekTSVParser(file, o)
	case FormatZeekConnJSON:
		return newZeekJSONParser(file, o)
	case FormatNfdump16, FormatNfdump17, FormatNfdumpFast:
		return newNfdumpParser(file, o)
	}
	return nil
}

// gunzipHead decompresses as much of a gzip head as it holds.
func gunzipHead(head []byte) ([]byte, error) {
	zr, err := gzip.NewReader(bytes.NewReader(head))
	if err != nil {
		return nil, err
	}
	out, err := io.ReadAll(io.LimitReader(zr, headSize))
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && len(out) == 0 {
		return nil, err
	}
	return out, nil
}
