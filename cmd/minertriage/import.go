package main

import (
	"errors"

	"github.com/spf13/cobra"
)

// TODO(owner of this command): replace this placeholder.
func newImportCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "import FILE...",
		Short: "Detect each file's format and load it",
		RunE: func(cmd *cobra.Command, args []string) error {
			return errors.New("import: not built yet")
		},
	}
}
