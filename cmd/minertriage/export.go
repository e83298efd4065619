package main

import (
	"errors"

	"github.com/spf13/cobra"
)

// TODO(owner of this command): replace this placeholder.
func newExportCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "export ALERT",
		Short: "Write markdown case notes",
		RunE: func(cmd *cobra.Command, args []string) error {
			return errors.New("export: not built yet")
		},
	}
}
