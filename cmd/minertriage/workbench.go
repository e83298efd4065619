package main

import (
	"context"
	"errors"
)

// runWorkbench opens the Bubble Tea workbench on the store (or, for the
// demo, on a temporary store holding the built-in demo case).
// TODO(ui owner): replace this placeholder.
func (a *app) runWorkbench(ctx context.Context, demo bool) error {
	return errors.New("the workbench is not built yet")
}
