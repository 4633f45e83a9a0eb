// Command bare is the benchmark's baseline: the least a Go net/http
// callback receiver can do (read the body, answer 200 "1"). It prints
// "listening on http://ADDR/" on stderr once the port is bound.
//
//	bare [ADDR] [FILE]
//
// With FILE it is the *durable* bare receiver, the least one that stores
// every callback before it answers: each body plus a newline is appended to
// FILE (opened O_APPEND) with one write(2), then it answers "1". A failed
// write answers 500.
package main

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"runtime/pprof"
	"sync"
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
	if len(os.Args) > 2 {
		f, err := os.OpenFile(os.Args[2], os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
		if err != nil {
			fmt.Fprintln(os.Stderr, "bare:", err)
			os.Exit(2)
		}
		h = durable(f)
	}
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

// durable appends each body and a newline to f in one write, then answers.
func durable(f *os.File) http.HandlerFunc {
	pool := sync.Pool{New: func() any { b := make([]byte, 0, 4096); return &b }}
	return func(w http.ResponseWriter, r *http.Request) {
		bp := pool.Get().(*[]byte)
		defer pool.Put(bp)
		buf := (*bp)[:0]
		for {
			if len(buf) == cap(buf) {
				buf = append(buf, 0)[:len(buf)]
			}
			n, err := r.Body.Read(buf[len(buf):cap(buf)])
			buf = buf[:len(buf)+n]
			if err == io.EOF {
				break
			}
			if err != nil {
				http.Error(w, err.Error(), http.StatusBadRequest)
				return
			}
		}
		buf = append(buf, '\n')
		*bp = buf
		if _, err := f.Write(buf); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		_, _ = io.WriteString(w, "1")
	}
}
