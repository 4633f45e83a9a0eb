// Command bare is the benchmark's baseline: the least a Go net/http
// callback receiver can do (read the body, answer 200 "1"). It prints
// "listening on http://ADDR/" on stderr once the port is bound.
package main

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"runtime/pprof"
	"syscall"
)

func main() {
	addr := "127.0.0.1:0"
	if len(os.Args) > 1 {
		addr = os.Args[1]
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "bare:", err)
		os.Exit(2)
	}
	fmt.Fprintf(os.Stderr, "listening on http://%s/\n", ln.Addr())
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		_, _ = io.WriteString(w, "1")
	})
	// $BARE_CPUPROFILE=FILE: a pprof CPU profile, written on SIGTERM/SIGINT.
	if path := os.Getenv("BARE_CPUPROFILE"); path != "" {
		pf, err := os.Create(path)
		if err != nil {
			fmt.Fprintln(os.Stderr, "bare:", err)
			os.Exit(2)
		}
		_ = pprof.StartCPUProfile(pf)
		sig := make(chan os.Signal, 1)
		signal.Notify(sig, syscall.SIGTERM, os.Interrupt)
		go func() {
			<-sig
			pprof.StopCPUProfile()
			pf.Close()
			os.Exit(0)
		}()
	}
	if err := http.Serve(ln, h); err != nil {
		fmt.Fprintln(os.Stderr, "bare:", err)
		os.Exit(1)
	}
}
