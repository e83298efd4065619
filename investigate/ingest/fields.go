package ingest

import (
	"bytes"
	"encoding/csv"
	"io"
	"strings"
	"unsafe"
)

// csvSplitter splits one CSV line into fields, reusing its buffers so the
// hot path (a million firewall lines) allocates nothing per line.
//
// Lines without a double quote are cut at commas directly and the fields
// are views into the caller's line buffer: valid only until the next line,
// so whatever is kept must go through own or intern. Lines with quotes go
// through encoding/csv (LazyQuotes, any field count, ReuseRecord), which
// gives fields backed by a fresh string per record.
type csvSplitter struct {
	fields []string
	src    oneLine
	buf    []byte // the line plus '\n', reused
	csv    *csv.Reader
	max    int // stop splitting after this many fields (0: all)
}

// oneLine feeds encoding/csv exactly one line at a time, so a stray quote
// can never make it swallow the following lines of the file.
type oneLine struct{ b []byte }

func (o *oneLine) Read(p []byte) (int, error) {
	if len(o.b) == 0 {
		return 0, io.EOF
	}
	n := copy(p, o.b)
	o.b = o.b[n:]
	return n, nil
}

func newCSVSplitter(max int) *csvSplitter {
	s := &csvSplitter{max: max}
	s.csv = csv.NewReader(&s.src)
	s.csv.LazyQuotes = true
	s.csv.FieldsPerRecord = -1
	s.csv.ReuseRecord = true
	return s
}

// split returns the fields of line (which must not contain '\n').
func (s *csvSplitter) split(line []byte) ([]string, error) {
	if bytes.IndexByte(line, '"') >= 0 {
		return s.splitQuoted(line)
	}
	f := s.fields[:0]
	str := view(line)
	for {
		if s.max > 0 && len(f) == s.max-1 {
			f = append(f, str)
			break
		}
		i := strings.IndexByte(str, ',')
		if i < 0 {
			f = append(f, str)
			break
		}
		f = append(f, str[:i])
		str = str[i+1:]
	}
	s.fields = f
	return f, nil
}

func (s *csvSplitter) splitQuoted(line []byte) ([]string, error) {
	// The csv reader reads through a bufio buffer of its own; giving it
	// the line plus a newline makes it stop exactly at the line's end.
	s.buf = append(append(s.buf[:0], line...), '\n')
	s.src.b = s.buf
	rec, err := s.csv.Read()
	if err != nil {
		return nil, err
	}
	if n := len(rec); n > 0 {
		// An unclosed quote runs to the end of the line, newline included.
		rec[n-1] = strings.TrimSuffix(rec[n-1], "\n")
	}
	return rec, nil
}

// view returns b as a string without copying. The caller must not keep it
// past the next read of the underlying buffer.
func view(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(&b[0], len(b))
}

// own copies s so it no longer shares the line buffer.
func own(s string) string { return strings.Clone(s) }

// interner keeps one copy of each of the few distinct values that repeat
// on every line (applications, actions, end reasons, serials, zones), so a
// million flows do not carry a million copies of "json-rpc".
type interner struct{ m map[string]string }

const internMax = 8192 // distinct values kept; past it values are copied

func (in *interner) get(s string) string {
	if s == "" {
		return ""
	}
	if v, ok := in.m[s]; ok {
		return v
	}
	c := strings.Clone(s)
	if in.m == nil {
		in.m = make(map[string]string, 64)
	}
	if len(in.m) < internMax {
		in.m[c] = c
	}
	return c
}

// field returns f[i], or "" when the line is shorter (PAN-OS appends
// fields with every release; older lines simply stop earlier).
func field(f []string, i int) string {
	if i < len(f) {
		return f[i]
	}
	return ""
}
