package main

import (
	"errors"

	"github.com/spf13/cobra"
)

// TODO(owner of this command): replace this placeholder.
func newListCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "list",
		Short: "Print the alert queue",
		RunE: func(cmd *cobra.Command, args []string) error {
			return errors.New("list: not built yet")
		},
	}
}
