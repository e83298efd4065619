package ingest

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"time"
)

// MaxLine is the longest line any log parser accepts. Real log lines are a
// few KiB at most (a Suricata alert with its payload); a longer one is
// hostile or not a log, and buffering it whole would let one file exhaust
// memory.
const MaxLine = 1 << 20

// readBufSize is the bufio size the line reader uses; tests shrink it so
// the long-line path and buffer reuse are exercised on small samples.
var readBufSize = 64 << 10

// errLineTooLong is returned (wrapped with the line number) for a line
// over MaxLine.
var errLineTooLong = fmt.Errorf("line is longer than %d bytes (1 MiB)", MaxLine)

// lineReader yields lines without their "\n" / "\r\n". The returned slice
// is only valid until the next call: parsers copy what they keep.
type lineReader struct {
	br   *bufio.Reader
	long []byte // reused when a line spans more than one bufio buffer
	n    int    // number of the line last returned, 1-based
}

func newLineReader(r io.Reader) *lineReader {
	return &lineReader{br: bufio.NewReaderSize(r, readBufSize)}
}

// next returns the next line, io.EOF at the end, or errLineTooLong.
func (lr *lineReader) next() ([]byte, error) {
	line, err := lr.br.ReadSlice('\n')
	if errors.Is(err, bufio.ErrBufferFull) {
		lr.long = append(lr.long[:0], line...)
		for errors.Is(err, bufio.ErrBufferFull) {
			line, err = lr.br.ReadSlice('\n')
			if len(lr.long)+len(line) > MaxLine+2 {
				lr.n++
				return nil, errLineTooLong
			}
			lr.long = append(lr.long, line...)
		}
		line = lr.long
	}
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, err
	}
	if len(line) == 0 && err != nil {
		return nil, io.EOF
	}
	lr.n++
	line = trimEOL(line)
	if len(line) > MaxLine {
		return nil, errLineTooLong
	}
	return line, nil
}

func trimEOL(b []byte) []byte {
	if n := len(b); n > 0 && b[n-1] == '\n' {
		b = b[:n-1]
	}
	if n := len(b); n > 0 && b[n-1] == '\r' {
		b = b[:n-1]
	}
	return b
}

// progressReader counts the bytes read from the file and reports them at
// most every progressEvery, plus once at the end.
type progressReader struct {
	r     io.Reader
	read  int64
	total int64
	fn    func(read, total int64)
	last  time.Time
}

const progressEvery = 100 * time.Millisecond

func (p *progressReader) Read(b []byte) (int, error) {
	n, err := p.r.Read(b)
	p.read += int64(n)
	if p.fn != nil {
		if now := time.Now(); now.Sub(p.last) >= progressEvery {
			p.last = now
			p.fn(p.read, p.total)
		}
	}
	return n, err
}

// done reports the final count, so a bar ends at 100 %.
func (p *progressReader) done() {
	if p.fn != nil {
		p.fn(p.read, p.total)
	}
}
