// Command zegocb signs, sends, receives, probes and verifies ZEGO server callbacks.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/zegocb/zegocb/internal/cli"
	"github.com/zegocb/zegocb/internal/ui"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Main(ctx, os.Args[1:], ui.System())
	stop()
	os.Exit(code)
}
