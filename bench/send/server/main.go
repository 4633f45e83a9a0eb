// Command server is the bare endpoint for bench/send/run.sh: a plain
// net/http handler that reads the body and answers 200 "1". It listens on
// 127.0.0.1 only and writes its URL to -addr-file.
package main

import (
	"flag"
	"io"
	"log"
	"net"
	"net/http"
	"os"
)

func main() {
	addrFile := flag.String("addr-file", "", "write the URL here once listening")
	flag.Parse()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	url := "http://" + ln.Addr().String() + "/callback"
	if *addrFile != "" {
		if err := os.WriteFile(*addrFile, []byte(url), 0o644); err != nil {
			log.Fatal(err)
		}
	}
	one := []byte("1")
	log.Fatal(http.Serve(ln, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		_, _ = w.Write(one)
	})))
}
