package ui

import (
	"context"
	"path/filepath"

	"github.com/minertriage/minertriage/investigate/ingest"
)

type fakeImporter struct{ files []string }

func (f *fakeImporter) Import(ctx context.Context, path string, opts ingest.Options) (ingest.Summary, error) {
	f.files = append(f.files, path)
	if opts.Progress != nil {
		opts.Progress(10, 10)
	}
	return ingest.Summary{File: filepath.Base(path), Stored: 3}, ctx.Err()
}
