package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"xxgk/pipeline"
)

func init() {
	commands = append(commands, func() *cobra.Command {
		return &cobra.Command{
			Use:   "version",
			Short: "print the version of xxgk and of its parser",
			Args:  cobra.NoArgs,
			Run: func(cmd *cobra.Command, args []string) {
				fmt.Fprintf(cmd.OutOrStdout(), "xxgk %s\n", versionString())
			},
		}
	})
}

// versionString is what xxgk version and xxgk --version print after the name.
func versionString() string {
	return fmt.Sprintf("%s (parser %s)", pipeline.Version, pipeline.ParserVersion)
}
