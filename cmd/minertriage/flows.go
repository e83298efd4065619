package main

import (
	"errors"

	"github.com/spf13/cobra"
)

// TODO(owner of this command): replace this placeholder.
func newFlowsCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "flows FILE...",
		Short: "Score the host pairs in netflow files without a store",
		RunE: func(cmd *cobra.Command, args []string) error {
			return errors.New("flows: not built yet")
		},
	}
}
